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
    expect(features.beats.length).toBeGreaterThanOrEqual(38);
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
