import { describe, expect, it } from "vitest";
import { parseVisualConfig, VisualConfigError } from "../src/config";
import { computeEnvelopes, driveAt } from "../src/envelopes";
import { PRESET_IDS, presetLabel, resolveVisualConfig } from "../src/presets";
import { syntheticFeatures } from "./synthetic-features";

describe("visual config", () => {
  it("has the six named presets with kebab-case ids, all valid", () => {
    expect(PRESET_IDS).toEqual([
      "ethereal-flame",
      "ethereal-mist",
      "cosmic-void",
      "solar-flare",
      "aurora",
      "neon-pulse",
    ]);
    expect(PRESET_IDS.map(presetLabel)).toEqual([
      "Ethereal Flame",
      "Ethereal Mist",
      "Cosmic Void",
      "Solar Flare",
      "Aurora",
      "Neon Pulse",
    ]);
    for (const id of PRESET_IDS)
      expect(resolveVisualConfig(id).layers.length).toBeGreaterThanOrEqual(1);
    const modes = new Set(
      PRESET_IDS.flatMap((id) => resolveVisualConfig(id).layers.map((l) => l.mode)),
    );
    expect(modes).toEqual(new Set(["flame", "mist", "curtain"]));
  });

  it("draws aurora as curtains of green and teal light, not a flame", () => {
    const aurora = resolveVisualConfig("aurora");
    expect(aurora.layers.map((l) => l.mode)).toEqual(["curtain", "curtain"]);
    for (const l of aurora.layers) {
      // The lower edge (inner colour) is green: more green than red or blue.
      const [r, g, b] = [1, 3, 5].map((k) => Number.parseInt(l.colorInner.slice(k, k + 2), 16));
      expect(g).toBeGreaterThan(Math.max(r!, b!));
    }
  });

  it("merges a partial override onto a preset and validates the result", () => {
    const c = resolveVisualConfig("ethereal-flame", {
      layers: [{ count: 10 }],
      dynamics: { gain: 2 },
    });
    expect(c.layers[0]!.count).toBe(10);
    expect(c.layers[1]!.count).toBe(resolveVisualConfig("ethereal-flame").layers[1]!.count);
    expect(c.dynamics.gain).toBe(2);
  });

  it("lists every problem with its path, the allowed range and what it got", () => {
    const bad = structuredClone(resolveVisualConfig("aurora")) as unknown as {
      layers: Array<Record<string, unknown>>;
      skybox: Record<string, unknown>;
      dynamics: Record<string, unknown>;
    };
    bad.layers[0]!.count = 0;
    bad.layers[1]!.colorInner = "red";
    bad.skybox.preset = "galaxy";
    bad.dynamics.attack = -1;
    let err: unknown;
    try {
      parseVisualConfig(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VisualConfigError);
    expect((err as VisualConfigError).issues).toEqual([
      "config.layers[0].count must be an integer from 1 to 200000 (got 0)",
      'config.layers[1].colorInner must be a colour like "#ffaa33" (got "red")',
      'config.skybox.preset must be one of nebula, void, aurora, solar, neon (got "galaxy")',
      "config.dynamics.attack must be a number from 0 to 5 (got -1)",
    ]);
  });

  it("refuses override keys the config does not have, naming each and what is there", () => {
    let err: unknown;
    try {
      resolveVisualConfig("ethereal-flame", {
        skybox: { brigthness: 2 },
        hue: 0.3,
        layers: [{ count: 10, sparkle: true }],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VisualConfigError);
    const issues = (err as VisualConfigError).issues;
    expect(issues.slice(0, 2)).toEqual([
      "config.skybox.brigthness is not a visual setting; the settings here are preset, rotationSpeed, brightness",
      "config.hue is not a visual setting; the settings here are seed, layers, skybox, dynamics, camera",
    ]);
    expect(issues[2]).toMatch(
      /^config\.layers\[0\]\.sparkle is not a visual setting; the settings here are mode, count, /,
    );
    expect(issues).toHaveLength(3);
  });

  it("refuses an unknown preset naming the valid ones", () => {
    expect(() => resolveVisualConfig("disco")).toThrow(
      /unknown preset "disco"; choose one of ethereal-flame, ethereal-mist/,
    );
  });
});

describe("envelopes", () => {
  it("rise with the attack, fall with the release, and kick on onsets", () => {
    const f = syntheticFeatures();
    const fast = computeEnvelopes(f, resolveVisualConfig("neon-pulse"));
    const slow = computeEnvelopes(f, resolveVisualConfig("ethereal-mist"));
    // Bass peaks at frame 0, 15, 30…: the fast preset follows it more closely.
    expect(fast.bass[15]! - fast.bass[14]!).toBeGreaterThan(slow.bass[15]! - slow.bass[14]!);
    expect(fast.beat[30]!).toBeGreaterThan(fast.beat[29]!);
    expect(driveAt(fast, 30.5).bass).toBeCloseTo((fast.bass[30]! + fast.bass[31]!) / 2, 5);
    expect(driveAt(fast, 10_000)).toEqual({ bass: 0, mids: 0, highs: 0, beat: 0, rms: 0 });
  });

  it("are a pure function of the features and config", () => {
    const f = syntheticFeatures();
    const c = resolveVisualConfig("solar-flare");
    expect(computeEnvelopes(f, c)).toEqual(computeEnvelopes(f, c));
  });
});
