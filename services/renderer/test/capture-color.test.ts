import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeAudio } from "@efs/core/audio/analyze";
import { RENDER_FORMATS } from "@efs/core/formats";
import { resolveVisualConfig } from "@efs/visual/presets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureJob, renderVideo } from "../src/render";
import { openCaptureSession } from "../src/session";
import { psnr, readFrame } from "../src/snapshot";
import { makeAudio, probe } from "./helpers/media";

// The capture path (offscreen frame → I420 by a shader, by WebCodecs from RGBA, or in JS →
// H.264) must show what the canvas shows: same orientation, colours and levels, for both
// i420Conversion settings and both capture modes. Frames are compared after decoding with the BT.709 limited-range matrix the
// files are tagged with.
const dir = mkdtempSync(join(tmpdir(), "efs-color-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const audio = makeAudio(join(dir, "a.wav"), 0.2);
const format = RENDER_FORMATS["preview-360p"];
const FRAME = 4;
let reference: Buffer;

beforeAll(async () => {
  const { features } = await analyzeAudio(audio, { fps: 30, cacheDir: false });
  const session = await openCaptureSession(
    captureJob(format, 30, features, resolveVisualConfig("ethereal-flame")),
  );
  try {
    reference = await readFrame(session, FRAME);
  } finally {
    await session.close();
  }
}, 120_000);

// Decodes one frame to RGBA as a player does: the BT.709 limited-range matrix the file is
// tagged with, rounded (ffmpeg's default fast path truncates and reads ≈1 code value dark;
// Chromium's <video> gives the same values as this on a ramp of every luma code).
function decodeFrame(path: string, index: number): Buffer {
  return execFileSync(
    "ffmpeg",
    [
      ...["-v", "error", "-i", path, "-vf"],
      `select=eq(n\\,${index}),scale=in_color_matrix=bt709:in_range=tv:flags=accurate_rnd+full_chroma_int+bitexact`,
      ...["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
    ],
    { maxBuffer: 1 << 26 },
  );
}

// Mean of (a − b) per colour channel, in 8-bit code values.
function meanDiff(a: Buffer, b: Buffer): [number, number, number] {
  const d: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < a.length; i += 4) for (let c = 0; c < 3; c++) d[c]! += a[i + c]! - b[i + c]!;
  return d.map((x) => x / (a.length / 4)) as [number, number, number];
}

describe("captured frames match the canvas", () => {
  it.each([
    ["cpu", "webcodecs"],
    ["gpu", "webcodecs"],
    ["cpu", "raw"],
    ["gpu", "raw"],
  ] as const)(
    "i420Conversion %s, %s capture",
    async (conversion, capture) => {
      const out = join(dir, `${conversion}-${capture}.mp4`);
      await renderVideo({
        audioPath: audio,
        preset: "ethereal-flame",
        format: "preview-360p",
        out,
        cacheDir: false,
        capture,
        i420Conversion: conversion,
      });
      expect(probe(out).video).toMatchObject({
        pix_fmt: "yuv420p",
        color_range: "tv",
        color_space: "bt709",
      });
      const got = decodeFrame(out, FRAME);
      expect(got.length).toBe(reference.length);
      // H.264 at preview bitrate on a soft scene: ≈39 dB when levels, matrix and
      // orientation are right; a flipped image or a full-range mix-up falls to 15–27 dB.
      expect(psnr(got, reference)).toBeGreaterThan(35);
    },
    120_000,
  );
});

describe("the render agrees with the live preview in brightness", () => {
  // What the live preview draws (a canvas: the web app's code path) at these 1080p frames.
  const FRAMES = [2, 5];
  const preview: Buffer[] = [];
  const hd = RENDER_FORMATS["flat-1080p-landscape"];
  beforeAll(async () => {
    const { features } = await analyzeAudio(audio, { fps: 30, cacheDir: false });
    const session = await openCaptureSession(
      captureJob(hd, 30, features, resolveVisualConfig("ethereal-flame")),
    );
    try {
      for (const i of FRAMES) preview.push(await readFrame(session, i));
    } finally {
      await session.close();
    }
  }, 120_000);

  it("mean luma within 0.25 and each channel within 0.5 code values of the preview's", async () => {
    const out = join(dir, "brightness.mp4");
    await renderVideo({
      audioPath: audio,
      preset: "ethereal-flame",
      format: hd.name,
      durationSec: 0.2,
      out,
      cacheDir: false,
    });
    for (const [k, i] of FRAMES.entries()) {
      const [r, g, b] = meanDiff(decodeFrame(out, i), preview[k]!);
      // Through WebCodecs' encoder (the old default) red read 0.7 and blue 0.5–0.9 darker,
      // and ffmpeg's default truncating conversion another ≈1 in all three: "1–2 darker".
      expect(Math.abs(0.2126 * r + 0.7152 * g + 0.0722 * b)).toBeLessThan(0.25);
      for (const c of [r, g, b]) expect(Math.abs(c)).toBeLessThan(0.5);
    }
  }, 240_000);
});
