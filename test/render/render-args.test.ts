import { describe, expect, it } from "vitest";
import { isEfsError } from "../../src/errors";
import { parseRenderArgs } from "../../src/handlers/render/args";
import { progressBar } from "../../src/handlers/render/progress-bar";

const base = {
  audio: "a.mp3",
  preset: "ethereal-flame",
  format: "preview-360p",
  fps: "30",
  capture: "auto",
  out: "o.mp4",
};

describe("efs render flags", () => {
  it("parses a full set of flags", () => {
    expect(
      parseRenderArgs({
        ...base,
        fps: "60",
        quality: "final",
        duration: "12.5",
        from: "30",
        to: "90",
        gpu: false,
        concat: ["a.ts", "b.ts"],
      }),
    ).toEqual({
      audio: "a.mp3",
      preset: "ethereal-flame",
      format: "preview-360p",
      fps: 60,
      quality: "final",
      durationSec: 12.5,
      from: 30,
      to: 90,
      visualFile: undefined,
      concat: ["a.ts", "b.ts"],
      gpu: false,
      capture: "auto",
      out: "o.mp4",
    });
  });

  it.each([
    [{ fps: "24" }, /--fps must be 30 or 60 \(got 24\)/],
    [{ format: "vhs" }, /unknown format "vhs"/],
    [{ duration: "-3" }, /--duration must be a positive number/],
    [{ from: "1.5" }, /--from must be a whole number/],
    [{ capture: "png" }, /--capture must be auto, webcodecs or raw/],
    [{ quality: "high" }, /--quality must be draft or final \(got high\)/],
  ])("rejects %o as a usage error with a fix", (patch, message) => {
    let err: unknown;
    try {
      parseRenderArgs({ ...base, ...patch });
    } catch (e) {
      err = e;
    }
    expect(isEfsError(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect((err as { fix?: string }).fix).toEqual(expect.any(String));
    expect((err as { exitCode: number }).exitCode).toBe(2);
  });
});

describe("render progress bar", () => {
  it("redraws one line on a TTY and finishes it with a newline", () => {
    const out: string[] = [];
    const bar = progressBar({ isTTY: true, write: (s) => out.push(s) }, "rendering", true);
    bar.update({ framesDone: 15, framesTotal: 30, fps: 7.5, etaSec: 2 });
    bar.done();
    expect(out[0]).toMatch(/^\r\[#{12}\.{12}\] rendering 15\/30 frames {2}7\.5 fps {2}ETA 2s/);
    expect(out.at(-1)).toBe("\n");
  });

  it("prints plain lines off a TTY and nothing with --json", () => {
    const plain: string[] = [];
    const bar = progressBar({ isTTY: false, write: (s) => plain.push(s) }, "rendering", true);
    bar.update({ framesDone: 30, framesTotal: 30, fps: 10, etaSec: 0 });
    expect(plain).toEqual(["rendering 30/30 frames  10.0 fps  ETA 0s\n"]);
    const quiet: string[] = [];
    progressBar({ isTTY: true, write: (s) => quiet.push(s) }, "rendering", false).update({
      framesDone: 1,
      framesTotal: 2,
      fps: 1,
      etaSec: 1,
    });
    expect(quiet).toEqual([]);
  });
});
