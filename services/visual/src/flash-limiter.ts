// The flash limiter, on by default for every preset and config: the audio envelopes are
// adjusted so the brightness of the frame's centre — where the flame is — makes no more than
// three flashes in any second (flash.ts). It only ever fills dips: where the light would
// fall away between beats that come too fast, the envelopes are held part of the way back
// towards the last peak (the flame stays lit and large), so every beat still lands.
//
// How bright a frame renders is measured, not modelled: the frames' total particle light
// (each layer's light at its drive and beat, particles.ts) orders them; a dozen frames
// spread over that range are drawn small (probe.ts) and their centre luminance gives a
// monotone map from light to luminance for this scene, sky and framing. The limiter runs on
// the mapped luminances; a held frame gets the envelopes whose light maps to its limit.
import type { VisualConfig } from "./config";
import { type Envelopes, frameDrive } from "./envelopes";
import { limitFlashes } from "./flash";
import { layerDrive, layerLight } from "./particles";

/** Margins for what the map does not capture (flicker that does not follow the music,
 * probe vs full-size frames; measured errors up to ±0.05): changes from 0.06 count, and
 * the limit is 2.5 flashes a second. */
const LIMIT_DELTA = 0.06;
const LIMIT_FLASHES = 2.5;
/** Frames drawn by the probe. */
const PROBES = 12;
const SERIES = ["bass", "mids", "highs", "beat", "rms"] as const;

/** Centre luminance of frames drawn as they are. */
export type Probe = (frames: number[]) => number[];

// Total particle light of frame `i` of `e` (scene units², before the tone curve).
function lightAt(e: Envelopes, config: VisualConfig, i: number): number {
  const d = frameDrive(e, i, config.dynamics.gain);
  let sum = 0;
  for (const l of config.layers) {
    const { drive, beat } = layerDrive(l, d);
    sum += layerLight(l, drive, beat);
  }
  return sum;
}

// Monotone (non-decreasing) least-squares fit of ys (pool adjacent violators).
function isotonic(ys: number[]): number[] {
  const blocks: Array<{ sum: number; n: number }> = [];
  for (const y of ys) {
    blocks.push({ sum: y, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.n <= b.sum / b.n) break;
      blocks.splice(-2, 2, { sum: a.sum + b.sum, n: a.n + b.n });
    }
  }
  return blocks.flatMap((b) => Array<number>(b.n).fill(b.sum / b.n));
}

// Piecewise-linear interpolation through (xs, ys) (xs non-decreasing), extended linearly.
function interpolate(xs: number[], ys: number[], x: number): number {
  if (xs.length === 1) return ys[0]!;
  let k = 1;
  while (k < xs.length - 1 && x > xs[k]!) k++;
  const [x0, x1, y0, y1] = [xs[k - 1]!, xs[k]!, ys[k - 1]!, ys[k]!];
  return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

// The envelopes with dips filled where the flashes would come too fast.
export function limitEnvelopes(e: Envelopes, config: VisualConfig, probe: Probe): Envelopes {
  const n = e.frameCount;
  const light = Float64Array.from({ length: n }, (_, i) => lightAt(e, config, i));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => light[a]! - light[b]!);
  if (n < 2 || light[order[n - 1]!]! - light[order[0]!]! <= 1e-9) return e;
  const picks = [
    ...new Set(
      Array.from({ length: PROBES }, (_, k) => order[Math.round((k * (n - 1)) / (PROBES - 1))]!),
    ),
  ];
  const measured = probe(picks);
  const map = picks.map((f, k) => ({ x: light[f]!, y: measured[k]! })).sort((a, b) => a.x - b.x);
  const lx = map.map((p) => p.x);
  const ly = isotonic(map.map((p) => p.y));
  const lum = Float64Array.from(light, (x) => interpolate(lx, ly, x));
  const limited = limitFlashes(lum, e.fps, LIMIT_DELTA, LIMIT_FLASHES);
  const out: Envelopes = { ...e };
  for (const k of SERIES) out[k] = Float32Array.from(e[k]);
  let peak = 0;
  for (let i = 0; i < n; i++) {
    if (lum[i]! >= limited[i]!) {
      if (i === 0 || lum[i]! >= lum[peak]! || limited[i - 1] === lum[i - 1]) peak = i;
      continue;
    }
    // Blend this frame's envelopes towards the peak's until its light maps to the limit.
    const want = interpolate(ly, lx, limited[i]!);
    const blend = (s: number) => {
      for (const k of SERIES) out[k][i] = e[k][i]! + s * (e[k][peak]! - e[k][i]!);
    };
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 20; it++) {
      const mid = (lo + hi) / 2;
      blend(mid);
      if (lightAt(out, config, i) < want) lo = mid;
      else hi = mid;
    }
    blend(hi);
  }
  return out;
}
