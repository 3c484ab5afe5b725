// One particle layer: billboards whose positions are computed analytically in the vertex
// shader from (per-particle seed, time) — no simulation state, so any frame stands alone.
// Particles write light divided by HEADROOM (composite.ts multiplies it back and tone-maps),
// so overlapping sprites build up brightness without clipping in the 8-bit target, and flame
// particles also write their density into alpha (where fire.ts adds its detail).
import * as THREE from "three";
import { hexToRgb } from "./color";
import type { LayerConfig, ParticleMode } from "./config";
import type { FrameDrive } from "./envelopes";
import { mulberry32 } from "./random";

/** Light is stored as light / HEADROOM in the 8-bit particle target (composite.ts). */
export const HEADROOM = 3;
/** Flames are split into this many tongues (licks) that sway and flicker on their own. */
const TONGUES = 5;

const MODE_INDEX: Record<ParticleMode, number> = { flame: 0, mist: 1, curtain: 2 };

// How the audio drive (0..2) and the beat (0..1.5) move a particle; shared by the shader, the
// framing (layerExtent) and the flash limiter's ordering of frames by light (layerLight).
const FLAME = {
  /** Birth band, in spawn radii: [baseLo, baseLo + baseSpan]. */
  baseLo: -0.45,
  baseSpan: 0.35,
  lift: { drive: 0.2, beat: 0.1 },
  /** Rise speed over life: accel0 + accel1 · life (buoyant flames speed up). */
  accel0: 0.55,
  accel1: 0.9,
  /** Width at the end of life, relative to the base. */
  taperTo: 0.25,
  /** Tongues stand across ±tongueSpread spawn radii. */
  tongueSpread: 0.7,
  sway: 0.16,
  spread: { drive: 0.1, beat: 0.08 },
  /** A streak's height over its width grows with life: 1 + stretch · life (same area). */
  stretch: 1.6,
};
const SIZE = { drive: 0.25, beat: 0.15 };
const ALPHA = { base: 0.55, drive: 0.9, beat: 0.4 };
const MAX_DRIVE = 2;
const MAX_BEAT = 1.5;
// What counts as visible for the bounds: particles up to this fraction of their life (after
// it their light is under 15 % of its peak), the sprite out to this fraction of its size
// (exp(−4·0.6²) ≈ 24 % at the rim), and sway sines adding up to this much of their peak.
const VISIBLE_LIFE = 0.8;
const VISIBLE_SIZE = 0.6;
const TYPICAL_SWAY = 1.2;
const f = (n: number) => n.toFixed(4);

const VERT = /* glsl */ `
attribute vec4 aSeed;
uniform float uTime, uLifetime, uSpawnRadius, uRise, uTurb, uDrive, uBeat, uOpacity, uMode;
uniform vec3 uSize;
// Omni-directional stereo (360 stereo): the eye sits ±half the IPD along the horizontal
// "right" of each point's own direction from the viewer, so depth reads correctly all the
// way round (and fades to none at the poles, where "right" shrinks). 0 for mono.
uniform vec3 uOdsCenter;
uniform float uOdsOffset;
varying vec2 vUv;
varying float vAlpha;
varying vec3 vColor;
varying float vFlame;
uniform vec3 uColorInner, uColorOuter;

vec3 hash33(vec3 p) {
  p = fract(p * vec3(0.1031, 0.1030, 0.0973));
  p += dot(p, p.yxz + 33.33);
  return fract((p.xxy + p.yxx) * p.zyx);
}

float valueNoise(vec3 x) {
  vec3 i = floor(x);
  vec3 f = x - i;
  f = f * f * (3.0 - 2.0 * f);
  float a = hash33(i).x, b = hash33(i + vec3(1, 0, 0)).x, c = hash33(i + vec3(0, 1, 0)).x;
  float d = hash33(i + vec3(1, 1, 0)).x, e = hash33(i + vec3(0, 0, 1)).x;
  float g = hash33(i + vec3(1, 0, 1)).x, k = hash33(i + vec3(0, 1, 1)).x;
  float m = hash33(i + vec3(1, 1, 1)).x;
  return mix(mix(mix(a, b, f.x), mix(c, d, f.x), f.y), mix(mix(e, g, f.x), mix(k, m, f.x), f.y), f.z);
}

void main() {
  float phase = uTime / uLifetime + aSeed.x;
  float life = fract(phase);
  float cycle = floor(phase);
  vec3 h = hash33(aSeed.yzw * 97.0 + cycle * 1.618);
  float drive = min(uDrive, ${f(MAX_DRIVE)});
  float beat = min(uBeat, ${f(MAX_BEAT)});
  float age = life * uLifetime;
  vec3 p;
  float size = life < 0.5 ? mix(uSize.x, uSize.y, life * 2.0) : mix(uSize.y, uSize.z, life * 2.0 - 1.0);
  // Quad shape in view space: width, height (streaks are taller than wide).
  vec2 quad = vec2(1.0);
  float alpha = smoothstep(0.0, 0.12, life) * (1.0 - smoothstep(0.55, 1.0, life));
  float colorT = smoothstep(0.0, 0.8, life);
  vFlame = 0.0;
  if (uMode < 0.5) {
    // Flame: particles are born in a bowl at the base and rise, accelerating, into one of a
    // fan of tongues whose centre lines sway with height and time and whose lengths flicker,
    // so the top breaks into separate licks while the base stays one bright body.
    float k = floor(aSeed.w * ${TONGUES}.0);
    float kx = (k + 0.5) / ${TONGUES}.0 * 2.0 - 1.0;
    float tk = k * 2.39996 + 0.7;
    float rr = sqrt(h.x);
    float ang = h.y * 6.2831853;
    vec2 base = uSpawnRadius * rr * vec2(cos(ang), sin(ang));
    float y0 = uSpawnRadius * (${f(FLAME.baseLo)} * (1.0 - 0.6 * rr * rr) + ${f(FLAME.baseSpan)} * h.z);
    float lift = uRise * (1.0 + ${f(FLAME.lift.drive)} * drive + ${f(FLAME.lift.beat)} * beat);
    float rise = lift * age * (${f(FLAME.accel0)} + ${f(FLAME.accel1)} * life);
    float y = y0 + rise;
    float taper = mix(1.0, ${f(FLAME.taperTo)}, smoothstep(0.0, 1.0, life));
    vec2 tongue = uSpawnRadius * vec2(${f(FLAME.tongueSpread)} * kx, 0.25 * sin(tk));
    float sway = uTurb * ${f(FLAME.sway)} * rise;
    tongue += sway * vec2(
      sin(2.6 * y - 3.4 * uTime + tk * 1.3) + 0.5 * sin(5.3 * y - 5.1 * uTime + tk),
      0.7 * sin(2.2 * y - 2.7 * uTime + tk * 2.1));
    vec2 xz = mix(base, tongue, smoothstep(0.05, 0.5, life)) * taper;
    xz += sway * 0.2 * vec2(sin(7.0 * y - 6.0 * uTime + h.z * 6.28), sin(6.0 * y - 5.0 * uTime + h.x * 6.28));
    p = vec3(xz.x, y, xz.y);
    p.xz *= 1.0 + ${f(FLAME.spread.drive)} * drive + ${f(FLAME.spread.beat)} * beat;
    // A tongue's length flickers on its own clock; the middle ones reach highest, and louder
    // music makes them all longer.
    float len = (0.55 + 0.3 * (0.5 + 0.5 * sin(uTime * (2.3 + 0.41 * k) + tk * 3.0)) + 0.1 * drive)
      * (1.0 - 0.3 * kx * kx);
    alpha *= 1.0 - smoothstep(len - 0.25, len, life);
    // Streaks: taller and as much narrower, so a sprite covers (and costs) the same area.
    float stretch = sqrt(1.0 + ${f(FLAME.stretch)} * life);
    quad = vec2(1.0 / stretch, stretch);
    vFlame = 1.0;
  } else if (uMode < 1.5) {
    // Mist: slow outward breathing with soft curling turbulence.
    float u = h.x * 2.0 - 1.0;
    float phi = h.y * 6.2831853;
    float s = sqrt(max(0.0, 1.0 - u * u));
    vec3 dir = vec3(s * cos(phi), u, s * sin(phi));
    p = dir * uSpawnRadius * pow(h.z, 0.5) * (1.0 + 0.2 * drive + 0.15 * beat);
    p *= 1.0 + 0.25 * life;
    p.y += uRise * age;
    p += uTurb * 0.35 * life * vec3(
      sin(uTime * 0.37 + h.y * 11.0 + p.y * 1.7),
      sin(uTime * 0.29 + h.z * 13.0 + p.z * 1.3),
      sin(uTime * 0.41 + h.x * 7.0 + p.x * 1.9));
    // Wisps: the cloud's density drifts through a slow 3-D noise field, so it thins into
    // strands and gaps instead of filling one even glow.
    alpha *= 0.15 + 1.7 * smoothstep(0.3, 0.8, valueNoise(p * 1.4 + vec3(0.0, -0.15, 0.1) * uTime));
  } else {
    // Curtain (aurora): tall, thin rays standing on a folded ribbon that drifts sideways;
    // brightest at the lower edge, fading and shifting colour upwards.
    float s = aSeed.y * 2.0 - 1.0;
    float x = s * uSpawnRadius;
    float fold = uTurb * (0.55 * sin(0.9 * x + 0.3 * uTime + uSpawnRadius) + 0.25 * sin(2.3 * x - 0.5 * uTime));
    float hgt = uRise * (0.85 + 0.15 * drive + 0.1 * beat);
    // More rays low down: the lower edge is the brightest and sharpest.
    float ry = aSeed.z * aSeed.z;
    float bottom = 0.3 + 0.25 * sin(1.1 * x + 0.3 * uTime) + 0.1 * sin(2.9 * x - 0.5 * uTime)
      + 0.06 * beat * sin(6.0 * x - 4.0 * uTime);
    p = vec3(x, bottom + ry * hgt, fold - 0.3 * uSpawnRadius);
    // Bands of brighter rays travel along the curtain; each ray also shimmers on its own.
    float band = 0.5 + 0.5 * sin(7.0 * x - uTime * 6.2831853 / uLifetime + aSeed.x * 1.5);
    alpha = (0.25 + 0.75 * band) * (1.0 - smoothstep(0.0, 1.0, ry)) * (1.0 - smoothstep(0.7, 1.0, abs(s)));
    colorT = smoothstep(0.0, 0.7, ry);
    size = uSize.y;
    quad = vec2(0.3, 7.0);
  }
  size *= 1.0 + ${f(SIZE.drive)} * drive + ${f(SIZE.beat)} * beat;
  vec3 wp = (modelMatrix * vec4(p, 1.0)).xyz;
  vec3 d = wp - uOdsCenter;
  vec3 dn = d / max(length(d), 1e-6);
  // Rendering from the centre the point seen from the offset eye: move it the other way.
  wp -= uOdsOffset * vec3(-dn.z, 0.0, dn.x);
  vec4 mv = viewMatrix * vec4(wp, 1.0);
  // Streaks stand along world "up" as seen in this view (also in the cube faces of 360).
  vec2 up = (viewMatrix * vec4(0.0, 1.0, 0.0, 0.0)).xy;
  float ul = length(up);
  up = ul > 1e-3 ? up / ul : vec2(0.0, 1.0);
  vec2 side = vec2(up.y, -up.x);
  mv.xy += (position.x * quad.x * side + position.y * quad.y * up) * size;
  gl_Position = projectionMatrix * mv;
  vUv = position.xy;
  vColor = mix(uColorInner, uColorOuter, colorT);
  vAlpha = alpha * uOpacity * (${f(ALPHA.base)} + ${f(ALPHA.drive)} * drive + ${f(ALPHA.beat)} * beat);
}`;

const FRAG = /* glsl */ `
varying vec2 vUv;
varying float vAlpha;
varying vec3 vColor;
varying float vFlame;
void main() {
  float d2 = dot(vUv, vUv);
  if (d2 > 1.0) discard;
  float a = exp(-d2 * 4.0) * vAlpha;
  gl_FragColor = vec4(vColor * (a / ${HEADROOM.toFixed(1)}), vFlame * a * 2.0);
}`;

export interface ParticleLayer {
  mesh: THREE.Mesh;
  update(timeSec: number, drive: FrameDrive): void;
  /** Omni-directional stereo: viewer centre and signed eye offset (0 = mono). */
  setStereo(center: THREE.Vector3, offset: number): void;
  dispose(): void;
}

// A layer's drive (its band weights over the frame's bands) and beat.
export function layerDrive(layer: LayerConfig, d: FrameDrive): { drive: number; beat: number } {
  const bw = layer.bandWeights;
  const sum = bw.bass + bw.mids + bw.highs || 1;
  return {
    drive: (bw.bass * d.bass + bw.mids * d.mids + bw.highs * d.highs) / sum,
    beat: bw.beat * d.beat,
  };
}

// Builds a layer; particle seeds come from (config seed, layer index) so they never vary.
export function createParticleLayer(layer: LayerConfig, seed: number): ParticleLayer {
  const rand = mulberry32(seed);
  const seeds = new Float32Array(layer.count * 4);
  for (let i = 0; i < seeds.length; i++) seeds[i] = rand();
  // Plain (non-instanced) quads: 4 vertices per particle, each carrying the particle's seed.
  // SwiftShader pays a large fixed cost per instance that a flat vertex buffer avoids.
  const n = layer.count;
  const corners = [-1, -1, 1, -1, 1, 1, -1, 1];
  const position = new Float32Array(n * 12);
  const vertexSeeds = new Float32Array(n * 16);
  const index = n * 4 > 65535 ? new Uint32Array(n * 6) : new Uint16Array(n * 6);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 4; k++) {
      const v = i * 4 + k;
      position[v * 3] = corners[k * 2]!;
      position[v * 3 + 1] = corners[k * 2 + 1]!;
      vertexSeeds.set(seeds.subarray(i * 4, i * 4 + 4), v * 4);
    }
    index.set(
      [0, 1, 2, 0, 2, 3].map((c) => c + i * 4),
      i * 6,
    );
  }
  const geo = new THREE.BufferGeometry();
  geo.setAttribute("position", new THREE.BufferAttribute(position, 3));
  geo.setAttribute("aSeed", new THREE.BufferAttribute(vertexSeeds, 4));
  geo.setIndex(new THREE.BufferAttribute(index, 1));
  const mat = new THREE.ShaderMaterial({
    vertexShader: VERT,
    fragmentShader: FRAG,
    transparent: true,
    depthWrite: false,
    depthTest: false,
    blending: THREE.CustomBlending,
    blendSrc: THREE.OneFactor,
    blendDst: THREE.OneFactor,
    blendEquation: THREE.AddEquation,
    uniforms: {
      uTime: { value: 0 },
      uLifetime: { value: layer.lifetime },
      uSpawnRadius: { value: layer.spawnRadius },
      uRise: { value: layer.rise },
      uTurb: { value: layer.turbulence },
      uDrive: { value: 0 },
      uBeat: { value: 0 },
      uOpacity: { value: layer.opacity },
      uMode: { value: MODE_INDEX[layer.mode] },
      uSize: { value: new THREE.Vector3(layer.size.start, layer.size.peak, layer.size.end) },
      uColorInner: { value: new THREE.Vector3(...hexToRgb(layer.colorInner)) },
      uColorOuter: { value: new THREE.Vector3(...hexToRgb(layer.colorOuter)) },
      uOdsCenter: { value: new THREE.Vector3() },
      uOdsOffset: { value: 0 },
    },
  });
  const mesh = new THREE.Mesh(geo, mat);
  mesh.frustumCulled = false;
  return {
    mesh,
    update(timeSec, d) {
      const u = mat.uniforms;
      u.uTime!.value = timeSec;
      const { drive, beat } = layerDrive(layer, d);
      u.uDrive!.value = drive;
      u.uBeat!.value = beat;
    },
    setStereo(center, offset) {
      mat.uniforms.uOdsCenter!.value.copy(center);
      mat.uniforms.uOdsOffset!.value = offset;
    },
    dispose() {
      geo.dispose();
      mat.dispose();
    },
  };
}

/** Where a layer's visible particles can reach, in scene units around the scene origin. */
export interface Extent {
  top: number;
  bottom: number;
  halfWidth: number;
}

const smooth01 = (x: number) => {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
};
const sizeAt = (l: LayerConfig, life: number) =>
  life < 0.5
    ? l.size.start + (l.size.peak - l.size.start) * life * 2
    : l.size.peak + (l.size.end - l.size.peak) * (life * 2 - 1);
const sizeGain = (drive: number, beat: number) => 1 + SIZE.drive * drive + SIZE.beat * beat;

// The space a layer's particles can reach at the loudest drive and the strongest beat (the
// framing keeps flames and mist inside it); null for curtains, which span the sky like a
// backdrop.
export function layerExtent(l: LayerConfig): Extent | null {
  if (l.mode === "curtain") return null;
  const d = MAX_DRIVE;
  const b = MAX_BEAT;
  const R = l.spawnRadius;
  const grow = sizeGain(d, b);
  let top = Number.NEGATIVE_INFINITY;
  let bottom = Number.POSITIVE_INFINITY;
  let halfWidth = 0;
  for (let i = 0; i <= 100; i++) {
    const life = (i / 100) * VISIBLE_LIFE;
    const age = life * l.lifetime;
    const size = sizeAt(l, life) * grow * VISIBLE_SIZE;
    if (l.mode === "flame") {
      const lift = l.rise * (1 + FLAME.lift.drive * d + FLAME.lift.beat * b);
      const rise = lift * age * (FLAME.accel0 + FLAME.accel1 * life);
      const tall = size * Math.sqrt(1 + FLAME.stretch * life);
      top = Math.max(top, R * (FLAME.baseLo + FLAME.baseSpan) + rise + tall);
      bottom = Math.min(bottom, R * FLAME.baseLo + Math.min(0, rise) - tall);
      const sway = l.turbulence * FLAME.sway * Math.abs(rise);
      const taper = 1 + (FLAME.taperTo - 1) * smooth01(life);
      const spread = 1 + FLAME.spread.drive * d + FLAME.spread.beat * b;
      const reach =
        (Math.max(R, FLAME.tongueSpread * R + TYPICAL_SWAY * sway) * taper + 0.29 * sway) * spread;
      halfWidth = Math.max(halfWidth, reach + size);
    } else {
      const r = R * (1 + 0.2 * d + 0.15 * b) * (1 + 0.25 * life);
      const wander = l.turbulence * 0.35 * life;
      top = Math.max(top, r + l.rise * age + wander + size);
      bottom = Math.min(bottom, -r + Math.min(0, l.rise * age) - wander - size);
      halfWidth = Math.max(halfWidth, r + wander + size);
    }
  }
  return { top, bottom, halfWidth };
}

// The light a layer sends out at a drive and beat (the sum over its sprites of opacity ×
// footprint × luma), in scene units²; the flash limiter orders frames by it.
export function layerLight(l: LayerConfig, drive: number, beat: number): number {
  const d = Math.min(drive, MAX_DRIVE);
  const b = Math.min(beat, MAX_BEAT);
  const inner = hexToRgb(l.colorInner);
  const outer = hexToRgb(l.colorOuter);
  const luma = (c: [number, number, number]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  // ∫∫ exp(−4 r²) over the unit disc: the footprint of a sprite of size 1.
  const footprint = (Math.PI / 4) * (1 - Math.exp(-4));
  let sum = 0;
  const steps = 50;
  for (let i = 0; i < steps; i++) {
    const life = (i + 0.5) / steps;
    let alpha = smooth01(life / 0.12) * (1 - smooth01((life - 0.55) / 0.45));
    let area = (sizeAt(l, life) * sizeGain(d, b)) ** 2;
    let t = smooth01(life / 0.8);
    if (l.mode === "flame") {
      const len = 0.7 + 0.1 * d;
      alpha *= 1 - smooth01((life - (len - 0.25)) / 0.25);
    } else if (l.mode === "curtain") {
      // A ray's brightness over its height (life stands in for the height here).
      alpha = 0.675 * (1 - smooth01((life - 0.15) / 0.85));
      area = (l.size.peak * sizeGain(d, b)) ** 2 * 0.35 * 4;
      t = smooth01((life - 0.05) / 0.75);
    }
    const c: [number, number, number] = [0, 1, 2].map(
      (k) => inner[k]! + (outer[k]! - inner[k]!) * t,
    ) as [number, number, number];
    sum += alpha * area * luma(c);
  }
  const alphaGain = ALPHA.base + ALPHA.drive * d + ALPHA.beat * b;
  return (l.count * l.opacity * alphaGain * footprint * sum) / steps;
}
