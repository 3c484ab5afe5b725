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

function decodeFrame(path: string, index: number): Buffer {
  return execFileSync(
    "ffmpeg",
    [
      ...["-v", "error", "-i", path, "-vf"],
      `select=eq(n\\,${index}),scale=in_color_matrix=bt709:in_range=tv`,
      ...["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
    ],
    { maxBuffer: 1 << 26 },
  );
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
