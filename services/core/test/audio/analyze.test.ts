import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeAudio } from "../../src/audio/analyze";

const dir = mkdtempSync(join(tmpdir(), "efs-audio-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Generates audio with ffmpeg's lavfi aevalsrc into a lossless file (no codec delay).
function lavfi(name: string, expr: string, seconds: number): string {
  const out = join(dir, name);
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `aevalsrc='${expr}':s=44100:d=${seconds}`,
    out,
  ]);
  return out;
}

describe("analyzeAudio", () => {
  it("finds ≥95% of 120 BPM clicks within ±1 frame and estimates the tempo within ±1 BPM", async () => {
    // 5 ms 2 kHz bursts every 0.5 s, starting 0.25 s in, over quiet noise.
    const file = lavfi(
      "clicks.flac",
      "if(lt(mod(t-0.25,0.5),0.005)*gte(t,0.25),0.8*sin(2*PI*2000*t),0)+0.001*(random(0)-0.5)",
      20,
    );
    const { features } = await analyzeAudio(file, { fps: 30, cacheDir: false });
    expect(features.frameCount).toBe(600);
    const onsetFrames = features.onsets.flatMap((v, i) => (v ? [i] : []));
    const clicks = Array.from({ length: 40 }, (_, n) => Math.round((0.25 + n * 0.5) * 30));
    const hits = clicks.filter((c) => onsetFrames.some((o) => Math.abs(o - c) <= 1));
    expect(hits.length / clicks.length).toBeGreaterThanOrEqual(0.95);
    // No spurious onsets between clicks.
    expect(onsetFrames.length).toBeLessThanOrEqual(clicks.length + 2);
    expect(features.bpm).not.toBeNull();
    expect(Math.abs(features.bpm! - 120)).toBeLessThanOrEqual(1);
    expect(features.tempoConfidence).toBeGreaterThan(0.8);
    expect(features.beats.length).toBeGreaterThanOrEqual(38);
    // A steady tempo reads the same all along the curve.
    expect(features.tempoCurve.length).toBeGreaterThan(3);
    for (const p of features.tempoCurve) expect(Math.abs(p.bpm! - 120)).toBeLessThanOrEqual(1);
  });

  it("calls the tempo unknown for one hit every 2 s (no 60–200 BPM grid fits it)", async () => {
    const file = lavfi(
      "every-2s.flac",
      "if(lt(mod(t-0.25,2),0.005)*gte(t,0.25),0.8*sin(2*PI*2000*t),0)+0.001*(random(0)-0.5)",
      20,
    );
    const { features } = await analyzeAudio(file, { fps: 30, cacheDir: false });
    expect(features.onsets.filter(Boolean).length).toBe(10);
    expect(features.bpm).toBeNull();
    expect(features.tempoCurve.every((p) => p.bpm === null)).toBe(true);
    expect(features.beats).toEqual([]);
  });

  it("reports a tempo change as a curve, not as one BPM", async () => {
    // 100 BPM for 15 s, then 140 BPM for 15 s.
    const file = lavfi(
      "tempo-change.flac",
      "if(lt(t,15),if(lt(mod(t,0.6),0.005),0.8*sin(2*PI*2000*t),0),if(lt(mod(t-15,60/140),0.005),0.8*sin(2*PI*2000*t),0))+0.001*(random(0)-0.5)",
      30,
    );
    const { features } = await analyzeAudio(file, { fps: 30, cacheDir: false });
    expect(features.bpm).toBeNull();
    const at = (from: number, to: number) =>
      features.tempoCurve.filter((p) => p.timeSec >= from && p.timeSec <= to).map((p) => p.bpm);
    for (const bpm of at(0, 11)) expect(Math.abs(bpm! - 100)).toBeLessThanOrEqual(1);
    for (const bpm of at(19, 30)) expect(Math.abs(bpm! - 140)).toBeLessThanOrEqual(1);
    // Beats follow the curve: 0.6 s apart early on, 60/140 s apart late.
    const gaps = (a: number, b: number) => {
      const bs = features.beats.filter((f) => f >= a * 30 && f < b * 30);
      return bs.slice(1).map((f, i) => (f - bs[i]!) / 30);
    };
    for (const g of gaps(1, 12)) expect(g).toBeCloseTo(0.6, 1);
    for (const g of gaps(19, 29)) expect(g).toBeCloseTo(60 / 140, 1);
  });

  it("renders a −80 dBFS hiss exactly like silence: every feature 0, no onsets, no tempo", async () => {
    // White noise with an RMS of 1e-4 (−80 dBFS), and digital silence.
    const hiss = lavfi("hiss.wav", "1.732e-4*(2*random(0)-1)", 4);
    const silence = lavfi("silence.wav", "0", 4);
    const a = (await analyzeAudio(hiss, { fps: 30, cacheDir: false })).features;
    const b = (await analyzeAudio(silence, { fps: 30, cacheDir: false })).features;
    for (const k of ["rms", "bass", "mids", "highs", "bands", "flux", "onsets", "beats"] as const)
      expect(a[k], k).toEqual(b[k]);
    expect(Math.max(...a.rms, ...a.bands, ...a.flux)).toBe(0);
    expect(a.bpm).toBeNull();
  });

  it("still drives the visuals from quiet music well above the floor (−40 dBFS)", async () => {
    const file = lavfi(
      "quiet.wav",
      "0.014*sin(2*PI*55*t)*exp(-6*mod(t,0.5))+0.0056*sin(2*PI*660*t)",
      4,
    );
    const { features } = await analyzeAudio(file, { fps: 30, cacheDir: false });
    expect(Math.max(...features.rms)).toBeGreaterThan(0.9);
    expect(Math.max(...features.bass)).toBeGreaterThan(0.9);
    expect(features.onsets.filter(Boolean).length).toBeGreaterThanOrEqual(6);
  });

  it("finds no onset where a track stops mid-note (at its end or cut to silence)", async () => {
    // Bass pulses and a tone that stop dead: at the end of the file, and at 3 s before 2 s of
    // digital silence.
    const atEnd = lavfi(
      "abrupt-end.wav",
      "0.5*sin(2*PI*55*t)*exp(-6*mod(t,0.5))+0.2*sin(2*PI*660*t)",
      5.37,
    );
    const cut = lavfi(
      "cut.wav",
      "if(lt(t,3.2),0.5*sin(2*PI*55*t)*exp(-6*mod(t,0.5))+0.2*sin(2*PI*660*t),0)",
      5,
    );
    const end = (await analyzeAudio(atEnd, { fps: 30, cacheDir: false })).features;
    expect(end.onsets.slice(-8)).toEqual(Array(8).fill(0));
    // The pulses' own onsets are all still there (every 15 frames from 15).
    expect(end.onsets.flatMap((v, i) => (v ? [i] : []))).toEqual([
      15, 30, 45, 60, 75, 90, 105, 120, 135, 150,
    ]);
    // …and the last frames carry no spike a visual would flash on.
    expect(Math.max(...end.flux.slice(-8))).toBeLessThan(0.2);
    const c = (await analyzeAudio(cut, { fps: 30, cacheDir: false })).features;
    expect(c.onsets.slice(94, 150)).toEqual(Array(56).fill(0));
  });

  it("covers the whole file: a tone only in the last second shows in the last frames", async () => {
    const file = lavfi("late-tone.wav", "if(gte(t,5),0.5*sin(2*PI*1000*t),0)", 6);
    const { features } = await analyzeAudio(file, { fps: 60, cacheDir: false });
    expect(features.frameCount).toBe(360);
    const early = features.mids.slice(0, 290);
    const late = features.mids.slice(305, 360);
    expect(Math.max(...early)).toBeLessThan(0.05);
    expect(Math.min(...late)).toBeGreaterThan(0.8);
    expect(Math.min(...features.rms.slice(305))).toBeGreaterThan(0.8);
    const midIdx = features.bandNames.indexOf("mid");
    expect(features.bands[359 * features.bandNames.length + midIdx]).toBeGreaterThan(0.8);
    expect(features.onsets.slice(298, 303)).toContain(1);
  });

  it("caches by audio hash and fps, and re-analyses at another fps", async () => {
    const file = lavfi("short.wav", "0.3*sin(2*PI*220*t)", 1);
    const cacheDir = join(dir, "cache");
    const a = await analyzeAudio(file, { fps: 30, cacheDir });
    const b = await analyzeAudio(file, { fps: 30, cacheDir });
    const c = await analyzeAudio(file, { fps: 60, cacheDir });
    expect([a.cached, b.cached, c.cached]).toEqual([false, true, false]);
    expect(b.features).toEqual(a.features);
    expect(c.features.frameCount).toBe(60);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".json"))).toHaveLength(2);
  });

  it("rejects a file ffmpeg cannot decode with a message naming it", async () => {
    const bad = join(dir, "not-audio.mp3");
    execFileSync("sh", ["-c", `echo hello > ${bad}`]);
    await expect(analyzeAudio(bad, { fps: 30, cacheDir: false })).rejects.toThrow(/not-audio\.mp3/);
  });

  it("rejects a frame rate that does not divide the analysis rate", async () => {
    await expect(analyzeAudio("/nonexistent.wav", { fps: 29.97, cacheDir: false })).rejects.toThrow(
      /fps 29.97/,
    );
  });
});
