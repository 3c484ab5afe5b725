// Flat output only: the particle layers are drawn into an offscreen target at a fraction of
// the output resolution (soft additive sprites carry no fine detail, and fill rate is what a
// CPU rasteriser pays for), then added over the full-resolution sky by one full-screen quad.
// 8-bit target + additive compositing: clamp(sky + clamp(p)) == clamp(sky + p), so the only
// difference from drawing the sprites at full size is the bilinear upscale.
import * as THREE from "three";

/** Particle target size relative to the output (per axis): 0.5 = a quarter of the pixels. */
export const PARTICLE_SCALE = 0.5;

// The sky is sampled in the same pass: the view ray is affine in screen position, so it is
// computed at the 4 corners and interpolated (exactly what three's background box yields).
const VERT = /* glsl */ `
uniform mat3 uView, uSkyRot;
uniform vec2 uTan;
varying vec2 vUv;
varying vec3 vDir;
void main() {
  vUv = uv;
  vDir = uSkyRot * (uView * vec3(position.xy * uTan, -1.0));
  gl_Position = vec4(position.xy, 0.0, 1.0);
}`;

const FRAG = /* glsl */ `
uniform samplerCube uSky;
uniform sampler2D uParticles;
uniform float uSkyIntensity;
varying vec2 vUv;
varying vec3 vDir;
void main() {
  vec3 sky = textureCube(uSky, vDir).rgb * uSkyIntensity;
  gl_FragColor = vec4(sky + texture2D(uParticles, vUv).rgb, 1.0);
}`;

export interface ParticlePass {
  /** Holds the particle meshes; drawn into the low-resolution target. */
  scene: THREE.Scene;
  /** Full-screen quad: sky + upscaled particles in one pass; add it to the main scene. */
  composite: THREE.Mesh;
  /** Draws the particle scene into the target (call before rendering the main scene). */
  render(
    renderer: THREE.WebGLRenderer,
    camera: THREE.PerspectiveCamera,
    skyRotation: THREE.Euler,
    skyIntensity: number,
  ): void;
  setSize(width: number, height: number): void;
  dispose(): void;
}

const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

// Creates the low-resolution particle target for a `width`×`height` output.
export function createParticlePass(
  width: number,
  height: number,
  sky: THREE.Texture,
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
    depthTest: false,
    depthWrite: false,
    uniforms: {
      uParticles: { value: target.texture },
      uSky: { value: sky },
      uSkyIntensity: { value: 1 },
      uSkyRot: { value: new THREE.Matrix3() },
      uView: { value: new THREE.Matrix3() },
      uTan: { value: new THREE.Vector2(1, 1) },
    },
  });
  const composite = new THREE.Mesh(geo, mat);
  composite.frustumCulled = false;
  composite.renderOrder = -1;
  const m4 = new THREE.Matrix4();
  const clear = new THREE.Color(0, 0, 0);
  const prevClear = new THREE.Color();
  return {
    scene,
    composite,
    render(renderer, camera, skyRotation, skyIntensity) {
      const u = mat.uniforms;
      u.uSkyIntensity!.value = skyIntensity;
      // As three's background: the inverse (transpose) of the background rotation.
      u.uSkyRot!.value.setFromMatrix4(m4.makeRotationFromEuler(skyRotation)).transpose();
      camera.updateMatrixWorld();
      u.uView!.value.setFromMatrix4(camera.matrixWorld);
      const tanY = Math.tan(THREE.MathUtils.degToRad(camera.fov / 2));
      u.uTan!.value.set(tanY * camera.aspect, tanY);
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
