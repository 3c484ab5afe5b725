// Flat output: the particle layers are drawn into an offscreen 8-bit target (light stored
// / HEADROOM, flame density in alpha); the fire pass (fire.ts) works at the same size, then
// one full-screen pass (composite.ts) adds them to the sky with the tone curve, at the
// output resolution. "draft" draws the target at 0.4 of the output size per axis (soft
// sprites carry little fine detail, and fill rate is what a CPU rasteriser pays for; it was
// 0.5 before the fire pass, which costs about what the 0.1 saves); "final" at the full size.

import type { RenderQuality } from "@efs/core/quality";
import * as THREE from "three";

/** Particle target size relative to the output (per axis): 0.4 = a sixth of the pixels. */
export const PARTICLE_SCALE: Record<RenderQuality, number> = { draft: 0.4, final: 1 };

export interface ParticlePass {
  /** The particle light, for the fire pass. */
  texture: THREE.Texture;
  width: number;
  height: number;
  /** Draws the particle scene into the target (call before the composite). */
  render(renderer: THREE.WebGLRenderer, scene: THREE.Scene, camera: THREE.Camera): void;
  setSize(width: number, height: number): void;
  dispose(): void;
}

const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

// Creates the particle target for a `width`×`height` output.
export function createParticlePass(width: number, height: number, scale: number): ParticlePass {
  const target = new THREE.WebGLRenderTarget(scaled(width, scale), scaled(height, scale), {
    type: THREE.UnsignedByteType,
    format: THREE.RGBAFormat,
    minFilter: THREE.LinearFilter,
    magFilter: THREE.LinearFilter,
    generateMipmaps: false,
    depthBuffer: false,
    stencilBuffer: false,
  });
  const clear = new THREE.Color(0, 0, 0);
  const prevClear = new THREE.Color();
  return {
    texture: target.texture,
    get width() {
      return target.width;
    },
    get height() {
      return target.height;
    },
    render(renderer, scene, camera) {
      renderer.getClearColor(prevClear);
      const prevAlpha = renderer.getClearAlpha();
      renderer.setRenderTarget(target);
      renderer.setClearColor(clear, 0);
      renderer.clear(true, false, false);
      renderer.render(scene, camera);
      renderer.setClearColor(prevClear, prevAlpha);
      renderer.setRenderTarget(null);
    },
    setSize(w, h) {
      target.setSize(scaled(w, scale), scaled(h, scale));
    },
    dispose() {
      target.dispose();
    },
  };
}
