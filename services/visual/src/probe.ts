// The flash limiter's probe: draws chosen frames of the scene small (a flat view at the
// output's aspect, a few thousand pixels) and measures the mean relative luminance of the
// centre third — where the flame is — so the limiter (exposure.ts) works from how bright
// this scene actually renders rather than from a model of it.
import * as THREE from "three";
import type { FrameValues } from "./composite";
import { createFlatView } from "./flat-view";

/** Probe frames are this many pixels high (particles stay larger than a pixel). */
const PROBE_HEIGHT = 96;

const LINEAR = Float64Array.from({ length: 256 }, (_, i) => {
  const v = i / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
});

export interface ProbeScene {
  renderer: THREE.WebGLRenderer;
  particleScene: THREE.Scene;
  sky: THREE.Texture;
  noise: THREE.Texture;
  seed: number;
  fov: number;
  aspect: number;
  viewer: THREE.Vector3;
  lookAt: THREE.Vector3;
  /** Sets the scene to `frame` and returns the composite's values for it. */
  prepare(frame: number): FrameValues;
}

// Centre-third luminance of each of `frames`.
export function probeLuminance(s: ProbeScene, frames: number[]): number[] {
  const h = PROBE_HEIGHT;
  const w = Math.max(8, Math.round((h * s.aspect) / 4) * 4);
  const view = createFlatView({
    width: w,
    height: h,
    particleScale: 0.5,
    sky: s.sky,
    noise: s.noise,
    seed: s.seed,
    stars: 0,
    fov: s.fov,
    viewer: s.viewer,
    lookAt: s.lookAt,
  });
  const target = new THREE.WebGLRenderTarget(w, h, { depthBuffer: false });
  const px = new Uint8Array(w * h * 4);
  try {
    return frames.map((frame) => {
      view.draw(s.renderer, s.particleScene, s.prepare(frame), target);
      s.renderer.readRenderTargetPixels(target, 0, 0, w, h, px);
      let sum = 0;
      let n = 0;
      for (let y = Math.round(h / 3); y < Math.round((2 * h) / 3); y++)
        for (let x = Math.round(w / 3); x < Math.round((2 * w) / 3); x++) {
          const i = (y * w + x) * 4;
          sum +=
            0.2126 * LINEAR[px[i]!]! + 0.7152 * LINEAR[px[i + 1]!]! + 0.0722 * LINEAR[px[i + 2]!]!;
          n++;
        }
      return sum / n;
    });
  } finally {
    view.dispose();
    target.dispose();
  }
}
