import { resolveVisualConfig } from "@efs/visual/presets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticFeatures } from "../../visual/test/synthetic-features";
import { captureJob } from "../src/render";
import { type CaptureSession, openCaptureSession } from "../src/session";
import { readFrame, switchJob } from "../src/snapshot";

const W = 512;
const H = 256;
// A dark scene (void sky, one tiny dim particle) so only the markers are bright.
const config = resolveVisualConfig("cosmic-void", {
  layers: [
    { count: 1, opacity: 0 },
    { count: 1, opacity: 0 },
  ],
  skybox: { brightness: 0 },
});
const format = {
  name: "test-equirect",
  width: W,
  height: H,
  projection: "equirect" as const,
  stereo: "mono" as const,
  videoKbps: 1000,
  gpu: false,
};

function centroid(
  px: Buffer,
  channel: 0 | 1 | 2,
  w = W,
  h = H,
): { x: number; y: number; n: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const others = [0, 1, 2].filter((c) => c !== channel).map((c) => px[i + c]!);
      if (px[i + channel]! > 200 && Math.max(...others) < 60) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  return { x: sx / n, y: sy / n, n };
}

let session: CaptureSession;
beforeAll(async () => {
  const job = captureJob(format, 30, syntheticFeatures(), config, [
    { direction: [1, 0, 0], color: "#ff0000" },
    { direction: [0, 1, -1], color: "#00ff00" },
    { direction: [-1, 0, 1], color: "#0000ff" },
  ]);
  session = await openCaptureSession(job);
}, 120_000);
afterAll(() => session?.close());

describe("equirectangular projection", () => {
  it("puts a marker at a known direction at the matching equirect pixel", async () => {
    const px = await readFrame(session, 0);
    // +X (right of forward): longitude +90° → u = 0.75, on the horizon.
    const red = centroid(px, 0);
    expect(red.n).toBeGreaterThan(4);
    expect(red.x).toBeCloseTo(0.75 * W, -0.5);
    expect(red.y).toBeCloseTo(0.5 * H, -0.5);
    // Forward and 45° up: u = 0.5, v = 0.25.
    const green = centroid(px, 1);
    expect(green.x).toBeCloseTo(0.5 * W, -0.5);
    expect(green.y).toBeCloseTo(0.25 * H, -0.5);
    // Back-left (−X, +Z): longitude −135° → u = 0.125.
    const blue = centroid(px, 2);
    expect(blue.x).toBeCloseTo(0.125 * W, -0.5);
    expect(blue.y).toBeCloseTo(0.5 * H, -0.5);
  });

  it("draws the same frame twice byte-identically", async () => {
    const a = await readFrame(session, 17);
    const b = await readFrame(session, 17);
    expect(a.equals(b)).toBe(true);
  });
});

describe("360 stereo is omni-directional", () => {
  // Markers 2 units away, in front and behind-left. With ODS every direction gets the same
  // disparity: the left eye sees a near point further right (larger longitude) than the
  // right eye, by 2·atan(IPD/2 / 2) of longitude. Two fixed eye positions would give that in
  // front but the reverse behind.
  const SW = 1024;
  const SH = 512;
  const expected = ((2 * Math.atan(0.032 / 2)) / (2 * Math.PI)) * SW;

  it("gives the same, correctly signed disparity in front and behind", async () => {
    const stereo = captureJob(
      { ...format, name: "test-ods", width: SW, height: SH * 2, stereo: "top-bottom" },
      30,
      syntheticFeatures(),
      config,
      [
        { direction: [0, 0, -1], color: "#ff0000" },
        { direction: [-1, 0, 1], color: "#00ff00" },
      ],
    );
    await switchJob(session, stereo);
    const left = await readFrame(session, 0, 0);
    const right = await readFrame(session, 0, 1);
    for (const channel of [0, 1] as const) {
      const l = centroid(left, channel, SW, SH);
      const r = centroid(right, channel, SW, SH);
      expect(l.n).toBeGreaterThan(4);
      expect(l.x - r.x).toBeGreaterThan(expected - 1);
      expect(l.x - r.x).toBeLessThan(expected + 1);
      expect(Math.abs(l.y - r.y)).toBeLessThan(0.5);
    }
  });
});
