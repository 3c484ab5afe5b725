// The resolve pass shared by flat and 360 output, per output pixel: the sky (baked cube,
// rotated and tinted; in "final" quality plus stars computed at the output resolution) and
// the particle light with its fire detail (fire.ts; flat output gets it from the fire pass,
// 360 computes it here), through a tone curve whose shoulder rolls highlights off towards
// white instead of clipping them.
import * as THREE from "three";
import { FIRE_GLSL, FIRE_SCALE, setFireDensity, VIEW_PASS_VERT } from "./fire";
import type { Framing } from "./framing";
import { HEADROOM } from "./particles";
import { STARS_GLSL } from "./skybox";

export type CompositeProjection = "flat" | "equirect";

/** Tone curve: identity up to KNEE, then a Reinhard shoulder towards (never reaching) 1. */
const KNEE = 0.62;

const TONE_GLSL = /* glsl */ `
vec3 tone(vec3 c) {
  float m = max(max(c.r, c.g), max(c.b, 1e-5));
  float y = max(m - ${KNEE}, 0.0) / ${(1 - KNEE).toFixed(4)};
  float s = y / (1.0 + y);
  float mt = min(m, ${KNEE}) + ${(1 - KNEE).toFixed(4)} * s;
  // Hue kept through the shoulder; the hottest highlights drift a little towards white.
  return mix(c * (mt / m), vec3(mt), 0.45 * s * s);
}`;

const COMMON = /* glsl */ `
precision highp float;
uniform samplerCube uSky;
uniform mat3 uSkyRot;
uniform float uSkyIntensity, uPxAngle, uStarsOn, uSeed;
out vec4 fragColor;
${STARS_GLSL}
${TONE_GLSL}
// Sky + light (in scene light units), tone-mapped. Bright light hides the sky behind it, so
// a flame keeps its own colours.
vec3 resolve(vec3 dir, vec3 light) {
  vec3 skyDir = uSkyRot * dir;
  vec3 sky = texture(uSky, skyDir).rgb;
#ifdef PROCEDURAL_STARS
  sky += uStarsOn * starField(normalize(skyDir), uSeed, uPxAngle);
#endif
  float cover = clamp(2.0 * dot(light, vec3(0.2126, 0.7152, 0.0722)), 0.0, 1.0);
  return tone(sky * (uSkyIntensity * (1.0 - 0.9 * cover)) + light);
}`;

const FLAT_FRAG = /* glsl */ `
${COMMON}
uniform sampler2D uParticles;
in vec2 vUv;
in vec3 vDir;
void main() {
  vec3 light = texture(uParticles, vUv).rgb * ${(FIRE_SCALE * HEADROOM).toFixed(1)};
  fragColor = vec4(resolve(vDir, light), 1.0);
}`;

const EQUI_VERT = /* glsl */ `
out vec2 vUv;
void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }`;

const EQUI_FRAG = /* glsl */ `
${COMMON}
${FIRE_GLSL}
uniform samplerCube uParticles;
uniform vec4 uReach;
in vec2 vUv;
void main() {
  float lon = (vUv.x - 0.5) * 6.28318530718;
  float lat = (vUv.y - 0.5) * 3.14159265359;
  vec3 dir = vec3(sin(lon) * cos(lat), sin(lat), -cos(lon) * cos(lat));
  vec2 q = flamePlane(dir);
  vec3 n = fireNoise(q);
  // 360 sees the whole sphere: fire detail only ahead, where the flames reach (plus a soft
  // margin), so nothing else in the capture is displaced.
  vec2 beyond = max(abs(q - uReach.xy) - uReach.zw, 0.0);
  float near = step(dir.z, 0.0) * (1.0 - smoothstep(0.0, 0.6, max(beyond.x, beyond.y)));
  // The warp as an angle (scene units over the distance to the plane), and only where the
  // capture holds flame: other light there stays in place.
  float dist = uCam.z / max(-dir.z, 1e-3);
  float flame = clamp(texture(uParticles, dir).a * 4.0, 0.0, 1.0);
  vec4 p = texture(uParticles, dir + vec3(fireWarp(n) * (near * flame / dist), 0.0));
  vec3 light = p.rgb * (${HEADROOM.toFixed(1)} * mix(1.0, fireDetail(n, q, p.a), near));
  fragColor = vec4(resolve(dir, light), 1.0);
}`;

/** Per-frame values: sky rotation (as three's background), intensity, time. */
export interface FrameValues {
  skyRotation: THREE.Euler;
  skyIntensity: number;
  timeSec: number;
}

export interface Composite {
  material: THREE.ShaderMaterial;
  setFrame(o: FrameValues): void;
  /**
   * The view: camera (flat ray directions), viewer (the flame plane's distance) and the
   * output height in pixels (star and noise detail per pixel).
   */
  setView(o: {
    camera: THREE.PerspectiveCamera;
    viewer: THREE.Vector3;
    outputHeight: number;
    /** 360: where the flames reach on their plane (framing.ts), the fire detail's region. */
    reach?: Framing["reach"];
  }): void;
}

// Builds the resolve material. `particles`: the fire pass output (flat) or the particle
// cube (360). `starBrightness` > 0 draws the stars per output pixel (not baked in the sky).
export function createComposite(
  projection: CompositeProjection,
  sky: THREE.Texture,
  particles: THREE.Texture,
  noise: THREE.Texture,
  seed: number,
  starBrightness: number,
): Composite {
  const flat = projection === "flat";
  const material = new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3,
    defines: starBrightness > 0 ? { PROCEDURAL_STARS: 1 } : {},
    vertexShader: flat ? VIEW_PASS_VERT : EQUI_VERT,
    fragmentShader: flat ? FLAT_FRAG : EQUI_FRAG,
    depthTest: false,
    depthWrite: false,
    uniforms: {
      uSky: { value: sky },
      uParticles: { value: particles },
      uNoise: { value: noise },
      uSkyRot: { value: new THREE.Matrix3() },
      uSkyIntensity: { value: 1 },
      uTime: { value: 0 },
      uNoiseLod: { value: new THREE.Vector3() },
      uPxAngle: { value: 0.001 },
      uStarsOn: { value: starBrightness },
      uSeed: { value: seed % 1000 },
      uCam: { value: new THREE.Vector3(0, 0, 5) },
      uView: { value: new THREE.Matrix3() },
      uTan: { value: new THREE.Vector2(1, 1) },
      uReach: { value: new THREE.Vector4(0, 0, 1e6, 1e6) },
    },
  });
  const m4 = new THREE.Matrix4();
  const uni = material.uniforms;
  return {
    material,
    setFrame(o) {
      // As three's background: the inverse (transpose) of the background rotation.
      uni.uSkyRot!.value.setFromMatrix4(m4.makeRotationFromEuler(o.skyRotation)).transpose();
      uni.uSkyIntensity!.value = o.skyIntensity;
      uni.uTime!.value = o.timeSec;
    },
    setView({ camera, viewer, outputHeight, reach }) {
      uni.uCam!.value.copy(viewer);
      if (reach) uni.uReach!.value.set(reach.x, reach.y, reach.halfWidth, reach.halfHeight);
      if (!flat) {
        // One pixel of a 2:1 equirect frame is π / height radians; straight ahead the
        // flame's plane is viewer.z away.
        uni.uPxAngle!.value = Math.PI / outputHeight;
        setFireDensity(material, (Math.PI / outputHeight) * Math.abs(viewer.z));
        return;
      }
      camera.updateMatrixWorld();
      uni.uView!.value.setFromMatrix4(camera.matrixWorld);
      const tanY = Math.tan(THREE.MathUtils.degToRad(camera.fov / 2));
      uni.uTan!.value.set(tanY * camera.aspect, tanY);
      uni.uPxAngle!.value = (2 * tanY) / outputHeight;
    },
  };
}
