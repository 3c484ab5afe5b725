import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { rgbaBottomUpToI420 } from "../src/i420-cpu";

// Solid w×h RGBA image (rows bottom-up, as readPixels returns them).
function solid(w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) px.set([...rgb, 255], i * 4);
  return px;
}

function convert(src: Uint8Array, w: number, h: number) {
  const out = new Uint8Array((w * h * 3) / 2);
  rgbaBottomUpToI420(src, w, h, out);
  return {
    y: out.subarray(0, w * h),
    u: out.subarray(w * h, (w * h * 5) / 4),
    v: out.subarray((w * h * 5) / 4),
  };
}

describe("RGBA → I420 (BT.709, limited range)", () => {
  it.each([
    ["black", [0, 0, 0], [16, 128, 128]],
    ["white", [255, 255, 255], [235, 128, 128]],
    ["grey", [128, 128, 128], [126, 128, 128]],
    // Reference values of the BT.709 limited-range matrix.
    ["red", [255, 0, 0], [63, 102, 240]],
    ["green", [0, 255, 0], [173, 42, 26]],
    ["blue", [0, 0, 255], [32, 240, 118]],
  ] as const)("%s", (_name, rgb, [y, u, v]) => {
    const p = convert(solid(4, 4, [...rgb]), 4, 4);
    expect(new Set(p.y)).toEqual(new Set([y]));
    expect(new Set(p.u)).toEqual(new Set([u]));
    expect(new Set(p.v)).toEqual(new Set([v]));
  });

  it("writes rows top-down from bottom-up input, and averages each 2×2 block for chroma", () => {
    const w = 4;
    const h = 4;
    const src = solid(w, h, [0, 0, 0]);
    // Bottom-up: the last two source rows are the top of the image; paint them white.
    src.fill(255, 2 * w * 4);
    const p = convert(src, w, h);
    expect([...p.y.subarray(0, 2 * w)]).toEqual(Array(2 * w).fill(235));
    expect([...p.y.subarray(2 * w)]).toEqual(Array(2 * w).fill(16));
    // One block row of white, one of black: chroma is neutral for both.
    expect(new Set(p.u)).toEqual(new Set([128]));
    // A block half red, half black averages to half red.
    const mixed = solid(2, 2, [0, 0, 0]);
    mixed.set([255, 0, 0, 255, 255, 0, 0, 255], 0);
    expect(convert(mixed, 2, 2).v[0]).toBe(Math.round(128 + 112 / 2));
  });

  it("agrees with ffmpeg's BT.709 conversion within one code value", () => {
    const w = 64;
    const h = 32;
    // A smooth colour ramp, top-down for ffmpeg.
    const top = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        top.set(
          [(x * 255) / (w - 1), (y * 255) / (h - 1), 255 - (x * 4) / 2, 255],
          (y * w + x) * 4,
        );
    const bottomUp = new Uint8Array(top.length);
    for (let y = 0; y < h; y++)
      bottomUp.set(top.subarray(y * w * 4, (y + 1) * w * 4), (h - 1 - y) * w * 4);
    const ours = new Uint8Array((w * h * 3) / 2);
    rgbaBottomUpToI420(bottomUp, w, h, ours);
    const theirs = execFileSync(
      "ffmpeg",
      [
        ...["-v", "error", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", `${w}x${h}`, "-i", "-"],
        ...["-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+full_chroma_int"],
        ...["-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
      ],
      { input: top },
    );
    expect(theirs.length).toBe(ours.length);
    // Luma: exact maths on both sides up to rounding.
    let worstY = 0;
    for (let i = 0; i < w * h; i++) worstY = Math.max(worstY, Math.abs(ours[i]! - theirs[i]!));
    expect(worstY).toBeLessThanOrEqual(1);
    // Chroma: ffmpeg sites chroma differently (left-cosited), so compare the planes' means.
    for (const [a, b] of [
      [w * h, (w * h * 5) / 4],
      [(w * h * 5) / 4, (w * h * 3) / 2],
    ] as const) {
      let so = 0;
      let st = 0;
      for (let i = a; i < b; i++) {
        so += ours[i]!;
        st += theirs[i]!;
      }
      expect(Math.abs(so - st) / (b - a)).toBeLessThan(1);
    }
  });

  it("rejects odd sizes and wrong buffer lengths", () => {
    expect(() => rgbaBottomUpToI420(new Uint8Array(12), 3, 1, new Uint8Array(4))).toThrow(
      /even dimensions/,
    );
    expect(() => rgbaBottomUpToI420(new Uint8Array(16), 2, 2, new Uint8Array(5))).toThrow(/sizes/);
  });
});
