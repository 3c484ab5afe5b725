// Measures on rendered frames (RGBA, rows top-down): relative luminance and flashes, clipped
// highlights, and detail (PSNR against a half-size round trip).
import { spawnSync } from "node:child_process";
import { psnr } from "@efs/renderer/snapshot";
import { maxFlashesPerSecond } from "../../src/flash";

const linear = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const LINEAR = Float64Array.from({ length: 256 }, (_, i) => linear(i));

// Mean relative luminance (WCAG: linear sRGB, Rec. 709 weights) of a w×h frame over each
// cell of a 3×3 grid and the centre third, i.e. areas about the size of a 10° field.
export function areaLuminance(px: Uint8Array, w: number, h: number): number[] {
  const rects: Array<[number, number, number, number]> = [];
  for (let gy = 0; gy < 3; gy++)
    for (let gx = 0; gx < 3; gx++)
      rects.push([(gx * w) / 3, (gy * h) / 3, ((gx + 1) * w) / 3, ((gy + 1) * h) / 3]);
  rects.push([w / 3, h / 3, (2 * w) / 3, (2 * h) / 3]);
  return rects.map(([x0, y0, x1, y1]) => {
    let s = 0;
    let n = 0;
    for (let y = Math.round(y0); y < Math.round(y1); y++)
      for (let x = Math.round(x0); x < Math.round(x1); x++) {
        const i = (y * w + x) * 4;
        s += 0.2126 * LINEAR[px[i]!]! + 0.7152 * LINEAR[px[i + 1]!]! + 0.0722 * LINEAR[px[i + 2]!]!;
        n++;
      }
    return s / n;
  });
}

// The most flashes in any second in any of the areas, from per-frame areaLuminance rows.
export function flashesPerSecond(rows: number[][], fps: number): number {
  let most = 0;
  for (let a = 0; a < rows[0]!.length; a++)
    most = Math.max(
      most,
      maxFlashesPerSecond(
        rows.map((r) => r[a]!),
        fps,
      ),
    );
  return most;
}

// Of the bright area (luma ≥ 50 %), the share that is clipped to white (every channel ≥ 250).
export function clippedShare(px: Uint8Array): { bright: number; clipped: number } {
  let bright = 0;
  let clipped = 0;
  for (let i = 0; i < px.length; i += 4) {
    const r = px[i]!;
    const g = px[i + 1]!;
    const b = px[i + 2]!;
    if (0.2126 * r + 0.7152 * g + 0.0722 * b < 128) continue;
    bright++;
    if (r >= 250 && g >= 250 && b >= 250) clipped++;
  }
  return { bright, clipped: bright ? clipped / bright : 0 };
}

// PSNR of a frame against itself scaled to half size and back (bicubic both ways): high
// when the frame holds no detail a half-size frame could not.
export function roundTripPsnr(px: Uint8Array, w: number, h: number): number {
  const run = (args: string[], input: Uint8Array) => {
    const r = spawnSync("ffmpeg", ["-v", "error", ...args], { input, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
    return r.stdout;
  };
  const raw = (s: string) => ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", s, "-i", "-"];
  const out = ["-f", "rawvideo", "-pix_fmt", "rgba", "-"];
  const half = run(
    [...raw(`${w}x${h}`), "-vf", `scale=${w / 2}:${h / 2}:flags=bicubic`, ...out],
    px,
  );
  const back = run(
    [...raw(`${w / 2}x${h / 2}`), "-vf", `scale=${w}:${h}:flags=bicubic`, ...out],
    half,
  );
  return psnr(Buffer.from(px), back);
}

// Detail inside the bright area (luma ≥ 50 %): the mean absolute difference between a
// pixel's luma and the mean of its 5×5 neighbourhood, in code values. A blown-out or
// smooth glow scores near 0; licks and turbulence score higher.
export function brightDetail(px: Uint8Array, w: number, h: number): number {
  const luma = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++)
    luma[i] = 0.2126 * px[i * 4]! + 0.7152 * px[i * 4 + 1]! + 0.0722 * px[i * 4 + 2]!;
  let sum = 0;
  let n = 0;
  for (let y = 2; y < h - 2; y++)
    for (let x = 2; x < w - 2; x++) {
      const c = luma[y * w + x]!;
      if (c < 128) continue;
      let m = 0;
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) m += luma[(y + dy) * w + x + dx]!;
      sum += Math.abs(c - m / 25);
      n++;
    }
  return n ? sum / n : 0;
}
