// Flat output only: the particle layers are drawn into an offscreen target at a fraction of
// the output resolution (soft additive sprites carry no fine detail, and fill rate is what a
// CPU rasteriser pays for), then added over the full-resolution sky by one full-screen quad.
// 8-bit target + additive compositing: clamp(sky + clamp(p)) == clamp(sky + p), so the only
// difference from drawing the sprites at full size is the bilinear upscale.
import * as THREE from "three";

/** Particle target size relative to the output (per axis): 0.5 = a quarter of the pixels. */
export const PARTICLE_SCALE = 0.5;

const VERT = /* glsl */ `
varying vec2 vUv;
void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }`;

const FRAG = /* glsl */ `
uniform sampler2D uParticles;
varying vec2 vUv;
void main() { gl_FragColor = vec4(texture2D(uParticles, vUv).rgb, 0.0); }`;

export interface ParticlePass {
  /** Holds the particle meshes; drawn into the low-resolution target. */
  scene: THREE.Scene;
  /** Full-screen additive quad sampling the target; add it to the main scene. */
  composite: THREE.Mesh;
  /** Draws the particle scene into the target (call before rendering the main scene). */
  render(renderer: THREE.WebGLRenderer, camera: THREE.Camera): void;
  setSize(width: number, height: number): void;
  dispose(): void;
}

const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

// Creates the low-resolution particle target for a `width`×`height` output.
export function createParticlePass(
  width: number,
  height: number,
  scale = PARTICLE_SCALE,
): ParticlePass {
  const target = new THREE.WebGLRenderTarget(scaled(width, scale), scaled(height, scale), {
    type: THREE.UnsignedByteType,
    format: THREE.RGBAFormat,
    minFilter: THREE.LinearFilter,
    magFilter: THREE.LinearFilter,
    generateMipmaps: false,
    depthBuffer: false,
    stencilBuffer: false,
  });
  const scene = new THREE.Scene();
  const geo = new THREE.PlaneGeometry(2, 2);
  const mat = new THREE.ShaderMaterial({
    vertexShader: VERT,
    fragmentShader: FRAG,
    transparent: true,
    depthTest: false,
    depthWrite: false,
    blending: THREE.CustomBlending,
    blendSrc: THREE.OneFactor,
    blendDst: THREE.OneFactor,
    blendEquation: THREE.AddEquation,
    uniforms: { uParticles: { value: target.texture } },
  });
  const composite = new THREE.Mesh(geo, mat);
  composite.frustumCulled = false;
  composite.renderOrder = 5;
  const clear = new THREE.Color(0, 0, 0);
  const prevClear = new THREE.Color();
  return {
    scene,
    composite,
    render(renderer, camera) {
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
      geo.dispose();
      mat.dispose();
    },
  };
}
