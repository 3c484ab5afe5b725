// Fire detail: what turns a glow of additive sprites into flame. Noise rises through the
// flame (two octaves of turbulence, plus fine grain where the resolution can hold it) and
// warps its edges into licks; calm at the base, breaking up towards the tips. It is sampled
// in scene units on the flame's plane (z = 0), so it stays in place whatever the output size,
// and at a mip level picked for the sampling density, so finer detail appears as the
// resolution grows instead of shimmering. Flame particles mark themselves in alpha; other
// light (mist, curtains) is left as it is.
//
// Flat output runs it as its own pass at the particle target's resolution (draft: 0.4 of
// the output size per axis, so a sixth of the noise lookups); 360 output runs it per output
// pixel in the composite.
import * as THREE from "three";

/** Noise texture size (noise-texture.ts) and the tile scales of the three lookups. */
const NOISE_SIZE = 256;
const SCALES = [
  [0.55, 0.32],
  [1.35, 0.8],
  [3.2, 2.2],
] as const;

export const FIRE_GLSL = /* glsl */ `
uniform sampler2D uNoise;
uniform float uTime;
uniform vec3 uNoiseLod;
uniform vec3 uCam;
// Where a view ray meets the flame's plane (z = 0), in scene units.
vec2 flamePlane(vec3 d) {
  float t = -uCam.z / min(d.z, -1e-3);
  return uCam.xy + d.xy * t;
}
// A lookup whose mip level leaves almost no detail (a few texels across the texture) is
// skipped (FIRE_MID / FIRE_FINE undefined): its mean, 0.5, is as good and costs nothing.
vec3 fireNoise(vec2 q) {
  float big = textureLod(uNoise, q * vec2(${SCALES[0].join(", ")}) + vec2(0.0, -0.42 * uTime), uNoiseLod.x).r;
  float mid = 0.5, fine = 0.5;
#ifdef FIRE_MID
  mid = textureLod(uNoise, q * vec2(${SCALES[1].join(", ")}) + vec2(0.37, -1.05 * uTime), uNoiseLod.y).g;
#endif
#ifdef FIRE_FINE
  fine = textureLod(uNoise, q * vec2(${SCALES[2].join(", ")}) + vec2(0.71, -2.1 * uTime), uNoiseLod.z).b;
#endif
  return vec3(big, mid, fine);
}
// How far to displace the particle lookup (scene units on the plane).
vec2 fireWarp(vec3 n) { return (n.xy - 0.5) * 0.09; }
// The factor on a particle sample's light (mean about 1).
float fireDetail(vec3 n, vec2 q, float flameDensity) {
  float flame = clamp(flameDensity, 0.0, 1.0) * mix(0.3, 1.0, smoothstep(-0.3, 1.3, q.y));
  float fire = (0.3 + 1.4 * n.x) * (0.55 + 0.9 * n.y) * (0.75 + 0.5 * n.z);
  return mix(1.0, fire, flame);
}`;

// Mip levels for the three lookups when one pixel spans `unitsPerPixel` scene units on the
// flame's plane: the level whose texels are about a pixel wide (finer ones would alias).
function noiseLods(unitsPerPixel: number): THREE.Vector3 {
  const lod = ([sx]: readonly [number, number]) =>
    Math.max(0, Math.round(Math.log2(NOISE_SIZE * sx * unitsPerPixel)));
  return new THREE.Vector3(lod(SCALES[0]), lod(SCALES[1]), lod(SCALES[2]));
}

/** A lookup at this mip level or coarser (≤ 32 texels across) is left out. */
const SKIP_LOD = 3;

// Sets a fire material's mip levels and which lookups it makes, for `unitsPerPixel`.
export function setFireDensity(material: THREE.ShaderMaterial, unitsPerPixel: number): void {
  const lods = noiseLods(unitsPerPixel);
  material.uniforms.uNoiseLod!.value.copy(lods);
  const want = { FIRE_MID: lods.y < SKIP_LOD, FIRE_FINE: lods.z < SKIP_LOD };
  let changed = false;
  for (const [k, on] of Object.entries(want)) {
    if (Boolean(material.defines[k]) === on) continue;
    if (on) material.defines[k] = 1;
    else delete material.defines[k];
    changed = true;
  }
  if (changed) material.needsUpdate = true;
}

/** The fire pass stores light / FIRE_SCALE: the detail factor reaches about 3. */
export const FIRE_SCALE = 2;

/** A full-screen pass that also gives each pixel its view direction (fire and composite). */
export const VIEW_PASS_VERT = /* glsl */ `
uniform mat3 uView;
uniform vec2 uTan;
out vec2 vUv;
out vec3 vDir;
void main() {
  vUv = uv;
  vDir = uView * vec3(position.xy * uTan, -1.0);
  gl_Position = vec4(position.xy, 0.0, 1.0);
}`;

const PASS_FRAG = /* glsl */ `
precision highp float;
${FIRE_GLSL}
uniform sampler2D uParticles;
uniform vec2 uPlaneToUv;
in vec2 vUv;
in vec3 vDir;
out vec4 fragColor;
void main() {
  vec2 q = flamePlane(vDir);
  vec3 n = fireNoise(q);
  // Only flame is warped: other light (mist, curtains) stays where it is.
  float flame = clamp(texture(uParticles, vUv).a * 4.0, 0.0, 1.0);
  vec4 p = texture(uParticles, vUv + fireWarp(n) * (flame * uPlaneToUv));
  // Dither before the 8-bit store, so dim light keeps its level on average instead of
  // banding.
  // (Interleaved gradient noise: no trigonometry, which a CPU rasteriser pays dearly for.)
  float dither = fract(52.9829189 * fract(dot(gl_FragCoord.xy, vec2(0.06711056, 0.00583715)))) - 0.5;
  fragColor = vec4(p.rgb * (fireDetail(n, q, p.a) / ${FIRE_SCALE.toFixed(1)}) + dither / 255.0, 1.0);
}`;

export interface FirePass {
  /** The detailed particle light (stored / FIRE_SCALE), for the composite. */
  texture: THREE.Texture;
  /** Reads the particle target, writes the detailed light. */
  render(renderer: THREE.WebGLRenderer, timeSec: number): void;
  /** The camera, the viewer (the flame plane's distance) and this pass's height in pixels. */
  setView(camera: THREE.PerspectiveCamera, viewer: THREE.Vector3): void;
  setSize(width: number, height: number): void;
  dispose(): void;
}

// The flat fire pass over a `width`×`height` particle target.
export function createFirePass(
  particles: THREE.Texture,
  noise: THREE.Texture,
  width: number,
  height: number,
): FirePass {
  const target = new THREE.WebGLRenderTarget(width, height, {
    type: THREE.UnsignedByteType,
    format: THREE.RGBAFormat,
    minFilter: THREE.LinearFilter,
    magFilter: THREE.LinearFilter,
    generateMipmaps: false,
    depthBuffer: false,
    stencilBuffer: false,
  });
  const uniforms: Record<string, THREE.IUniform> = {
    uParticles: { value: particles },
    uNoise: { value: noise },
    uTime: { value: 0 },
    uNoiseLod: { value: new THREE.Vector3() },
    uCam: { value: new THREE.Vector3(0, 0, 5) },
    uView: { value: new THREE.Matrix3() },
    uTan: { value: new THREE.Vector2(1, 1) },
    uPlaneToUv: { value: new THREE.Vector2(0.1, 0.1) },
  };
  const material = new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3,
    defines: {},
    vertexShader: VIEW_PASS_VERT,
    fragmentShader: PASS_FRAG,
    depthTest: false,
    depthWrite: false,
    uniforms,
  });
  const geo = new THREE.PlaneGeometry(2, 2);
  const quad = new THREE.Mesh(geo, material);
  quad.frustumCulled = false;
  const scene = new THREE.Scene();
  scene.add(quad);
  const camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  return {
    texture: target.texture,
    render(renderer, timeSec) {
      uniforms.uTime!.value = timeSec;
      renderer.setRenderTarget(target);
      renderer.render(scene, camera);
      renderer.setRenderTarget(null);
    },
    setView(cam, viewer) {
      cam.updateMatrixWorld();
      uniforms.uView!.value.setFromMatrix4(cam.matrixWorld);
      const tanY = Math.tan(THREE.MathUtils.degToRad(cam.fov / 2));
      uniforms.uTan!.value.set(tanY * cam.aspect, tanY);
      uniforms.uCam!.value.copy(viewer);
      // Scene units on the flame plane → texture coordinates, and per pixel of this pass.
      const half = Math.abs(viewer.z) * tanY;
      uniforms.uPlaneToUv!.value.set(1 / (2 * half * cam.aspect), 1 / (2 * half));
      setFireDensity(material, (2 * half) / target.height);
    },
    setSize(w, h) {
      target.setSize(w, h);
    },
    dispose() {
      target.dispose();
      geo.dispose();
      material.dispose();
    },
  };
}
