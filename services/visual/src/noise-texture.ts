// A small tileable noise texture for the fire detail (composite.ts), made once in JS:
// three independent channels of value-noise fBm (r: broad licks, g: turbulence, b: fine
// grain), each stretched to fill 0..1. Mip-mapped: fire.ts reads the level whose texels are
// about a pixel wide, so detail finer than a pixel averages out instead of shimmering and an
// 8K frame keeps what a 1080p one cannot show.
import * as THREE from "three";
import { mulberry32 } from "./random";

const SIZE = 256;

// One channel: octaves of lattice noise with periods `periods` (texels), weights `weights`.
function fbm(seed: number, periods: number[], weights: number[]): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(SIZE * SIZE);
  periods.forEach((period, o) => {
    const cells = SIZE / period;
    const lattice = Float32Array.from({ length: cells * cells }, () => rand());
    const at = (x: number, y: number) => lattice[(y % cells) * cells + (x % cells)]!;
    const w = weights[o]!;
    for (let y = 0; y < SIZE; y++) {
      const fy = y / period;
      const y0 = Math.floor(fy);
      const ty = fy - y0;
      const sy = ty * ty * (3 - 2 * ty);
      for (let x = 0; x < SIZE; x++) {
        const fx = x / period;
        const x0 = Math.floor(fx);
        const tx = fx - x0;
        const sx = tx * tx * (3 - 2 * tx);
        const a = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * sx;
        const b = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * sx;
        out[y * SIZE + x]! += w * (a + (b - a) * sy);
      }
    }
  });
  // Stretch the 2nd..98th percentile to 0..1 (a sum of octaves bunches around the middle).
  const sorted = Float32Array.from(out).sort();
  const lo = sorted[Math.floor(sorted.length * 0.02)]!;
  const hi = sorted[Math.floor(sorted.length * 0.98)]!;
  for (let i = 0; i < out.length; i++)
    out[i] = Math.min(1, Math.max(0, (out[i]! - lo) / (hi - lo)));
  return out;
}

// Builds the RGBA8 noise texture (repeat-wrapped, mip-mapped) for a seed.
export function createNoiseTexture(seed: number): THREE.DataTexture {
  const channels = [
    fbm(seed * 3 + 1, [64, 32, 16, 8], [1, 0.5, 0.25, 0.12]),
    fbm(seed * 3 + 2, [32, 16, 8, 4], [1, 0.6, 0.35, 0.2]),
    fbm(seed * 3 + 3, [16, 8, 4, 2], [1, 0.8, 0.6, 0.45]),
  ];
  const data = new Uint8Array(SIZE * SIZE * 4);
  for (let i = 0; i < SIZE * SIZE; i++) {
    for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round(channels[c]![i]! * 255);
    data[i * 4 + 3] = 255;
  }
  const tex = new THREE.DataTexture(data, SIZE, SIZE, THREE.RGBAFormat, THREE.UnsignedByteType);
  tex.wrapS = THREE.RepeatWrapping;
  tex.wrapT = THREE.RepeatWrapping;
  tex.magFilter = THREE.LinearFilter;
  tex.minFilter = THREE.LinearMipmapNearestFilter;
  tex.generateMipmaps = true;
  tex.needsUpdate = true;
  return tex;
}
