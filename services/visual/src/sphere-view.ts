// A look-around view of an equirectangular picture: the live 360° preview (the visual's own
// equirect frames) and the player of 360° renders (a <video>) both use it. One full-screen pass
// maps each screen pixel to a view direction and samples the picture with the exact inverse of
// the renderer's projection (equirect.ts): centre = forward (-Z), u = 0.75 = right (+X), top =
// up. Pixels pass through unchanged (no colour-space conversion), so what is seen is what the
// render holds. Look angles: yaw (radians, + turns right), pitch (+ looks up), vertical fov.
import * as THREE from "three";

export type SphereSource = HTMLCanvasElement | OffscreenCanvas | HTMLVideoElement;

export interface Look {
  yaw: number;
  pitch: number;
  /** Vertical field of view in degrees. */
  fov: number;
}

export const MIN_FOV = 30;
export const MAX_FOV = 110;
const MAX_PITCH = THREE.MathUtils.degToRad(89);

export interface SphereView {
  readonly canvas: HTMLCanvasElement;
  /** The picture to look around in; a top-bottom stereo picture shows its top (left) eye. */
  setSource(source: SphereSource | null, stereo?: "mono" | "top-bottom"): void;
  /** The source's pixels changed (a new canvas frame); videos update by themselves. */
  invalidate(): void;
  look(): Look;
  setLook(look: Partial<Look>): Look;
  /** Turns by a drag of (dx, dy) CSS pixels: the picture follows the pointer. */
  drag(dx: number, dy: number): Look;
  resize(width: number, height: number): void;
  render(): void;
  dispose(): void;
}

const VERT = /* glsl */ `
varying vec2 vNdc;
void main() { vNdc = position.xy; gl_Position = vec4(position.xy, 0.0, 1.0); }`;

const FRAG = /* glsl */ `
uniform sampler2D uTex;
uniform float uYaw;
uniform float uPitch;
uniform float uTanHalf;
uniform float uAspect;
uniform vec2 uEye; // (scale, offset) of v: (1, 0) mono, (0.5, 0.5) top half of a stacked pair
varying vec2 vNdc;
void main() {
  vec3 d = normalize(vec3(vNdc.x * uTanHalf * uAspect, vNdc.y * uTanHalf, -1.0));
  float cp = cos(uPitch), sp = sin(uPitch);
  d = vec3(d.x, d.y * cp - d.z * sp, d.y * sp + d.z * cp);
  float cy = cos(uYaw), sy = sin(uYaw);
  d = vec3(d.x * cy - d.z * sy, d.y, d.x * sy + d.z * cy);
  float lon = atan(d.x, -d.z);
  float lat = asin(clamp(d.y, -1.0, 1.0));
  vec2 uv = vec2(lon / 6.28318530718 + 0.5, lat / 3.14159265359 + 0.5);
  gl_FragColor = vec4(texture2D(uTex, vec2(uv.x, uv.y * uEye.x + uEye.y)).rgb, 1.0);
}`;

// Creates the view drawing into `canvas` (its own WebGL context).
export function createSphereView(canvas: HTMLCanvasElement): SphereView {
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, alpha: false });
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  renderer.setPixelRatio(1);
  const uniforms = {
    uTex: { value: null as THREE.Texture | null },
    uYaw: { value: 0 },
    uPitch: { value: 0 },
    uTanHalf: { value: Math.tan(THREE.MathUtils.degToRad(75) / 2) },
    uAspect: { value: 16 / 9 },
    uEye: { value: new THREE.Vector2(1, 0) },
  };
  const mat = new THREE.ShaderMaterial({
    vertexShader: VERT,
    fragmentShader: FRAG,
    uniforms,
    depthTest: false,
    depthWrite: false,
  });
  const geo = new THREE.PlaneGeometry(2, 2);
  const quad = new THREE.Mesh(geo, mat);
  quad.frustumCulled = false;
  const scene = new THREE.Scene();
  scene.add(quad);
  const camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  let texture: THREE.Texture | null = null;
  let current: Look = { yaw: 0, pitch: 0, fov: 75 };
  let height = 1;

  const apply = (next: Look): Look => {
    current = {
      yaw: THREE.MathUtils.euclideanModulo(next.yaw + Math.PI, 2 * Math.PI) - Math.PI,
      pitch: THREE.MathUtils.clamp(next.pitch, -MAX_PITCH, MAX_PITCH),
      fov: THREE.MathUtils.clamp(next.fov, MIN_FOV, MAX_FOV),
    };
    uniforms.uYaw.value = current.yaw;
    uniforms.uPitch.value = current.pitch;
    uniforms.uTanHalf.value = Math.tan(THREE.MathUtils.degToRad(current.fov) / 2);
    return current;
  };

  return {
    canvas,
    setSource(source, stereo = "mono") {
      texture?.dispose();
      texture = null;
      if (source) {
        texture =
          source instanceof HTMLVideoElement
            ? new THREE.VideoTexture(source)
            : new THREE.CanvasTexture(source as HTMLCanvasElement);
        texture.colorSpace = THREE.NoColorSpace;
        texture.wrapS = THREE.RepeatWrapping;
        texture.wrapT = THREE.ClampToEdgeWrapping;
        texture.minFilter = THREE.LinearFilter;
        texture.magFilter = THREE.LinearFilter;
        texture.generateMipmaps = false;
      }
      uniforms.uTex.value = texture;
      uniforms.uEye.value.set(stereo === "top-bottom" ? 0.5 : 1, stereo === "top-bottom" ? 0.5 : 0);
    },
    invalidate() {
      if (texture) texture.needsUpdate = true;
    },
    look: () => current,
    setLook: (look) => apply({ ...current, ...look }),
    drag(dx, dy) {
      const perPixel = (2 * Math.atan(uniforms.uTanHalf.value)) / Math.max(1, height);
      return apply({
        ...current,
        yaw: current.yaw - dx * perPixel,
        pitch: current.pitch + dy * perPixel,
      });
    },
    resize(w, h) {
      height = h;
      renderer.setSize(w, h, false);
      uniforms.uAspect.value = w / Math.max(1, h);
    },
    render() {
      if (!texture) {
        renderer.setClearColor(0x000000);
        renderer.clear();
        return;
      }
      renderer.render(scene, camera);
    },
    dispose() {
      texture?.dispose();
      geo.dispose();
      mat.dispose();
      renderer.dispose();
    },
  };
}

const ZEE = new THREE.Vector3(0, 0, 1);
// The camera looks out of the back of the device, not out of its top.
const BACK = new THREE.Quaternion(-Math.sqrt(0.5), 0, 0, Math.sqrt(0.5));

// The look direction of a phone held in front of the eyes, from a deviceorientation event
// (alpha, beta, gamma in degrees) and the screen's rotation (screen.orientation.angle).
export function orientationToLook(
  alpha: number,
  beta: number,
  gamma: number,
  screenAngle: number,
): { yaw: number; pitch: number } {
  const d = THREE.MathUtils.degToRad;
  const q = new THREE.Quaternion()
    .setFromEuler(new THREE.Euler(d(beta), d(alpha), -d(gamma), "YXZ"))
    .multiply(BACK)
    .multiply(new THREE.Quaternion().setFromAxisAngle(ZEE, -d(screenAngle)));
  const dir = new THREE.Vector3(0, 0, -1).applyQuaternion(q);
  return { yaw: Math.atan2(dir.x, -dir.z), pitch: Math.asin(THREE.MathUtils.clamp(dir.y, -1, 1)) };
}
