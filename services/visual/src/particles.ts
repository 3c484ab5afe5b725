// One particle layer: instanced billboards whose positions are computed analytically in the
// vertex shader from (per-particle seed, time) — no simulation state, so any frame stands alone.
import * as THREE from "three";
import { hexToRgb } from "./color";
import type { LayerConfig } from "./config";
import type { FrameDrive } from "./envelopes";
import { mulberry32 } from "./random";

const VERT = /* glsl */ `
attribute vec4 aSeed;
uniform float uTime, uLifetime, uSpawnRadius, uRise, uTurb, uDrive, uBeat, uOpacity, uMist;
uniform vec3 uSize;
// Omni-directional stereo (360 stereo): the eye sits ±half the IPD along the horizontal
// "right" of each point's own direction from the viewer, so depth reads correctly all the
// way round (and fades to none at the poles, where "right" shrinks). 0 for mono.
uniform vec3 uOdsCenter;
uniform float uOdsOffset;
varying vec2 vUv;
varying float vAlpha;
varying float vLife;

vec3 hash33(vec3 p) {
  p = fract(p * vec3(0.1031, 0.1030, 0.0973));
  p += dot(p, p.yxz + 33.33);
  return fract((p.xxy + p.yxx) * p.zyx);
}

void main() {
  float phase = uTime / uLifetime + aSeed.x;
  float life = fract(phase);
  float cycle = floor(phase);
  vec3 h = hash33(aSeed.yzw * 97.0 + cycle * 1.618);
  float u = h.x * 2.0 - 1.0;
  float phi = h.y * 6.2831853;
  float s = sqrt(max(0.0, 1.0 - u * u));
  vec3 dir = vec3(s * cos(phi), u, s * sin(phi));
  float pulse = 1.0 + 0.35 * uDrive + 0.25 * uBeat;
  float r = uSpawnRadius * pow(h.z, 0.5) * pulse;
  vec3 p = dir * r;
  float age = life * uLifetime;
  if (uMist < 0.5) {
    // Flame: rise, taper towards the tip, swirl into wispy tendrils.
    p.y += uRise * age * (1.0 + 0.6 * uDrive);
    float taper = mix(1.0, 0.3, clamp(life * 1.2, 0.0, 1.0));
    float swirl = uTurb * (sin(p.y * 3.1 + uTime * 1.7 + h.x * 6.28) + 0.5 * sin(p.y * 6.3 - uTime * 2.3 + h.y * 6.28));
    float c = cos(swirl * life), sn = sin(swirl * life);
    p.xz = mat2(c, -sn, sn, c) * p.xz * taper;
    p.x += 0.12 * uTurb * life * sin(uTime * 0.9 + h.z * 12.0 + p.y * 2.0);
  } else {
    // Mist: slow outward breathing with soft curling turbulence.
    p *= 1.0 + 0.25 * life;
    p.y += uRise * age;
    p += uTurb * 0.35 * life * vec3(
      sin(uTime * 0.37 + h.y * 11.0 + p.y * 1.7),
      sin(uTime * 0.29 + h.z * 13.0 + p.z * 1.3),
      sin(uTime * 0.41 + h.x * 7.0 + p.x * 1.9));
  }
  float size = life < 0.5 ? mix(uSize.x, uSize.y, life * 2.0) : mix(uSize.y, uSize.z, life * 2.0 - 1.0);
  size *= 1.0 + 0.5 * uDrive + 0.3 * uBeat;
  vec3 wp = (modelMatrix * vec4(p, 1.0)).xyz;
  vec3 d = wp - uOdsCenter;
  vec3 dn = d / max(length(d), 1e-6);
  // Rendering from the centre the point seen from the offset eye: move it the other way.
  wp -= uOdsOffset * vec3(-dn.z, 0.0, dn.x);
  vec4 mv = viewMatrix * vec4(wp, 1.0);
  mv.xy += position.xy * size;
  gl_Position = projectionMatrix * mv;
  vUv = position.xy;
  vLife = life;
  vAlpha = smoothstep(0.0, 0.12, life) * (1.0 - smoothstep(0.55, 1.0, life)) * uOpacity * (0.55 + 0.9 * uDrive + 0.4 * uBeat);
}`;

const FRAG = /* glsl */ `
uniform vec3 uColorInner, uColorOuter;
varying vec2 vUv;
varying float vAlpha;
varying float vLife;
void main() {
  float d2 = dot(vUv, vUv);
  if (d2 > 1.0) discard;
  float a = exp(-d2 * 4.0) * vAlpha;
  vec3 col = mix(uColorInner, uColorOuter, smoothstep(0.0, 0.8, vLife));
  gl_FragColor = vec4(col * a, a);
}`;

export interface ParticleLayer {
  mesh: THREE.Mesh;
  update(timeSec: number, drive: FrameDrive): void;
  /** Omni-directional stereo: viewer centre and signed eye offset (0 = mono). */
  setStereo(center: THREE.Vector3, offset: number): void;
  dispose(): void;
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
      uMist: { value: layer.mode === "mist" ? 1 : 0 },
      uSize: { value: new THREE.Vector3(layer.size.start, layer.size.peak, layer.size.end) },
      uColorInner: { value: new THREE.Vector3(...hexToRgb(layer.colorInner)) },
      uColorOuter: { value: new THREE.Vector3(...hexToRgb(layer.colorOuter)) },
      uOdsCenter: { value: new THREE.Vector3() },
      uOdsOffset: { value: 0 },
    },
  });
  const mesh = new THREE.Mesh(geo, mat);
  mesh.frustumCulled = false;
  const bw = layer.bandWeights;
  return {
    mesh,
    update(timeSec, d) {
      const u = mat.uniforms;
      u.uTime!.value = timeSec;
      const sum = bw.bass + bw.mids + bw.highs || 1;
      u.uDrive!.value = (bw.bass * d.bass + bw.mids * d.mids + bw.highs * d.highs) / sum;
      u.uBeat!.value = bw.beat * d.beat;
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
