// Procedural star-nebula skybox, baked ONCE per config into a cube texture (the noise is far
// too expensive per pixel per frame on a CPU rasteriser); frames only rotate and tint it.
import * as THREE from "three";
import type { SkyboxPreset } from "./config";

const PALETTES: Record<
  SkyboxPreset,
  { a: string; b: string; c: string; density: number; stars: number }
> = {
  nebula: { a: "#1a0b3a", b: "#8a2be2", c: "#ff4f9a", density: 0.9, stars: 1 },
  void: { a: "#020208", b: "#1b1146", c: "#3a2a7a", density: 0.35, stars: 0.7 },
  aurora: { a: "#010609", b: "#0a4a44", c: "#1c2f70", density: 0.45, stars: 1 },
  solar: { a: "#1a0500", b: "#a8320a", c: "#ffb347", density: 0.85, stars: 0.6 },
  neon: { a: "#0a0018", b: "#ff00c8", c: "#00e5ff", density: 0.7, stars: 0.9 },
};

const VERT = /* glsl */ `
varying vec3 vDir;
void main() {
  vDir = position;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

// Stars: one per lit cell of three 3-D grids over the unit sphere (the same places in the
// baked cube and in the per-pixel "final" sky). A star is a soft dot of its own angular
// radius, widened to at least about a pixel (`pxAngle` radians) with its light kept, so a
// small star neither vanishes between samples nor shimmers, and gets sharper as the output
// resolution grows.
export const STARS_GLSL = /* glsl */ `
vec3 starHash3(vec3 p) {
  p = fract(p * vec3(0.1031, 0.1030, 0.0973));
  p += dot(p, p.yxz + 33.33);
  return fract((p.xxy + p.yxx) * p.zyx);
}
float starLayer(vec3 d, float scale, float thresh, float seed, float pxAngle) {
  vec3 p = d * scale; vec3 cell = floor(p); vec3 f = fract(p);
  vec3 h = starHash3(cell + seed);
  float r = max(0.09, 0.75 * pxAngle * scale);
  float dist = length(f - (0.25 + 0.5 * h));
  float k = 0.09 / r;
  return step(thresh, h.x) * smoothstep(r, 0.0, dist) * k * k * (0.4 + 0.6 * h.y);
}
vec3 starField(vec3 d, float seed, float pxAngle) {
  float s = starLayer(d, 60.0, 0.55, seed, pxAngle) + starLayer(d, 130.0, 0.6, seed, pxAngle) * 0.7
    + starLayer(d, 260.0, 0.7, seed, pxAngle) * 0.5;
  return vec3(0.9, 0.92, 1.0) * s;
}`;

const FRAG = /* glsl */ `
uniform vec3 uA, uB, uC;
uniform float uDensity, uStars, uSeed, uPxAngle;
varying vec3 vDir;
${STARS_GLSL}
float hash(vec3 p) { p = fract(p * 0.3183099 + 0.1); p *= 17.0; return fract(p.x * p.y * p.z * (p.x + p.y + p.z)); }
float noise(vec3 x) {
  vec3 i = floor(x); vec3 f = fract(x); f = f * f * (3.0 - 2.0 * f);
  return mix(mix(mix(hash(i), hash(i + vec3(1,0,0)), f.x), mix(hash(i + vec3(0,1,0)), hash(i + vec3(1,1,0)), f.x), f.y),
             mix(mix(hash(i + vec3(0,0,1)), hash(i + vec3(1,0,1)), f.x), mix(hash(i + vec3(0,1,1)), hash(i + vec3(1,1,1)), f.x), f.y), f.z);
}
float fbm(vec3 p) { float s = 0.0, a = 0.5; for (int i = 0; i < 5; i++) { s += a * noise(p); p = p * 2.03 + 1.7; a *= 0.5; } return s; }
void main() {
  vec3 d = normalize(vDir);
  vec3 q = d * 2.2 + uSeed * 0.01;
  float n = fbm(q + 0.8 * fbm(q * 1.7));
  float clouds = smoothstep(0.35, 0.85, n) * uDensity;
  float wisps = smoothstep(0.55, 0.9, fbm(q * 3.1 + 5.0)) * uDensity;
  vec3 col = uA + uB * clouds * 0.55 + uC * wisps * 0.35;
  col += starField(d, uSeed, uPxAngle) * uStars;
  gl_FragColor = vec4(col, 1.0);
}`;

const rgb = (hex: string) => new THREE.Color(hex);

// How bright a sky preset's stars are (the composite draws them per pixel in "final").
export function starBrightness(preset: SkyboxPreset): number {
  return PALETTES[preset].stars;
}

// Bakes the skybox into a cube render target of `faceSize` pixels per face; without its
// stars when the composite draws them per output pixel ("final" quality).
export function bakeSkybox(
  renderer: THREE.WebGLRenderer,
  preset: SkyboxPreset,
  seed: number,
  faceSize: number,
  withStars = true,
): THREE.WebGLCubeRenderTarget {
  const pal = PALETTES[preset];
  const target = new THREE.WebGLCubeRenderTarget(faceSize, { generateMipmaps: false });
  target.texture.minFilter = THREE.LinearFilter;
  const scene = new THREE.Scene();
  const mat = new THREE.ShaderMaterial({
    vertexShader: VERT,
    fragmentShader: FRAG,
    side: THREE.BackSide,
    depthWrite: false,
    uniforms: {
      uA: { value: rgb(pal.a) },
      uB: { value: rgb(pal.b) },
      uC: { value: rgb(pal.c) },
      uDensity: { value: pal.density },
      uStars: { value: withStars ? pal.stars : 0 },
      uSeed: { value: seed % 1000 },
      // A face texel at the centre spans 2 / faceSize radians.
      uPxAngle: { value: 2 / faceSize },
    },
  });
  const geo = new THREE.BoxGeometry(10, 10, 10);
  scene.add(new THREE.Mesh(geo, mat));
  const cam = new THREE.CubeCamera(0.1, 100, target);
  cam.update(renderer, scene);
  geo.dispose();
  mat.dispose();
  return target;
}
