// Offscreen frames read back as bytes, for the capture page. The frame is drawn into a
// full-resolution target (not the canvas, so nothing is composited) and read either as RGBA
// (rows top-down; WebCodecs converts it on its own thread when told the BT.709 limited-range
// colour space) or as yuv420p (BT.709, limited range, rows top-down, chroma = mean of each
// 2×2 block), converted
// - "gpu": by a shader pass, so 1.5 bytes per pixel leave WebGL instead of 4. The three planes
//   are written as consecutive bytes of an RGBA8 target `width/4` texels wide, so one
//   readPixels returns the exact yuv420p layout; or
// - "cpu": by reading RGBA and converting in JS (i420-cpu.ts).
// On a GPU the shader is nearly free; under SwiftShader it costs ≈35 ms per 720p frame
// against ≈4 ms in JS, so the capture page picks by renderer (docs/rendering.md).
import * as THREE from "three";
import { rgbaBottomUpToI420 } from "./i420-cpu";

// Each plane is its own quad over its rows of the packed target, so no shader branches on
// which plane a byte belongs to (a CPU rasteriser runs both sides of a branch).
const VERT = /* glsl */ `
void main() { gl_Position = vec4(position.xy, 0.0, 1.0); }`;

const COMMON = /* glsl */ `
uniform sampler2D uSrc;
uniform int uW;
uniform int uH;
out highp vec4 fragColor;
const vec3 LUMA = vec3(0.2126, 0.7152, 0.0722);
`;

// Y: texel (x, y) holds pixels 4x..4x+3 of image row y (source rows are bottom-up).
const FRAG_Y = /* glsl */ `${COMMON}
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  ivec2 s = ivec2(4 * p.x, uH - 1 - p.y);
  vec4 y = vec4(
    dot(texelFetch(uSrc, s, 0).rgb, LUMA),
    dot(texelFetch(uSrc, s + ivec2(1, 0), 0).rgb, LUMA),
    dot(texelFetch(uSrc, s + ivec2(2, 0), 0).rgb, LUMA),
    dot(texelFetch(uSrc, s + ivec2(3, 0), 0).rgb, LUMA));
  fragColor = (16.0 + 219.0 * y) / 255.0;
}`;

// U or V: a texel row holds two chroma rows of width/2 bytes. Each chroma sample is one
// bilinear fetch at the shared corner of its 2×2 block, i.e. the block's mean.
const FRAG_C = /* glsl */ `${COMMON}
uniform int uRow0;
uniform vec3 uAxis;
uniform float uScale;
float chroma(int cx, int cy) {
  vec3 c = texture(uSrc, vec2(float(2 * cx + 1), float(uH - 1 - 2 * cy)) / vec2(float(uW), float(uH))).rgb;
  return 128.0 + 224.0 * (dot(c, uAxis) - dot(c, LUMA)) * uScale;
}
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int rowTexels = uW / 8;
  int second = p.x >= rowTexels ? 1 : 0;
  int cy = 2 * (p.y - uRow0) + second;
  int cx = 4 * (p.x - second * rowTexels);
  fragColor = vec4(chroma(cx, cy), chroma(cx + 1, cy), chroma(cx + 2, cy), chroma(cx + 3, cy)) / 255.0;
}`;

export type I420Conversion = "gpu" | "cpu";
export type PixelFormat = "i420" | "rgba";

export interface Readback {
  /** Full-resolution colour target the frame is drawn into instead of the canvas. */
  frame: THREE.WebGLRenderTarget;
  /** Reads `frame` into `out` (`bytes(format)` long). */
  read(renderer: THREE.WebGLRenderer, out: Uint8Array, format: PixelFormat): void;
  bytes(format: PixelFormat): number;
  setSize(width: number, height: number): void;
  dispose(): void;
}

// Sizes whose planes pack into whole RGBA texel rows (every render format qualifies).
export function checkI420Size(width: number, height: number): void {
  if (width % 8 !== 0 || height % 4 !== 0) {
    throw new Error(
      `I420 capture needs a width divisible by 8 and a height divisible by 4 (got ${width}×${height})`,
    );
  }
}

const target = (
  width: number,
  height: number,
  filter: THREE.MagnificationTextureFilter,
  depth: boolean,
) =>
  new THREE.WebGLRenderTarget(width, height, {
    type: THREE.UnsignedByteType,
    format: THREE.RGBAFormat,
    minFilter: filter,
    magFilter: filter,
    generateMipmaps: false,
    depthBuffer: depth,
    stencilBuffer: false,
  });

export function createReadback(
  width: number,
  height: number,
  conversion: I420Conversion,
): Readback {
  checkI420Size(width, height);
  // Linear filtering: the shader's chroma fetch averages 2×2 blocks through it.
  const frame = target(width, height, THREE.LinearFilter, true);
  const toI420 = conversion === "gpu" ? createI420Converter(frame, width, height) : null;
  let rgba = new Uint8Array(0);
  // readPixels into `rgba` (rows bottom-up).
  const readRaw = (renderer: THREE.WebGLRenderer) => {
    const { width: w, height: h } = frame;
    if (rgba.byteLength !== w * h * 4) rgba = new Uint8Array(w * h * 4);
    renderer.readRenderTargetPixels(frame, 0, 0, w, h, rgba);
  };
  const pass: Readback = {
    frame,
    bytes: (format) => frame.width * frame.height * (format === "rgba" ? 4 : 1.5),
    read(renderer, out, format) {
      if (out.byteLength !== pass.bytes(format)) {
        throw new Error(
          `${format} buffer must be ${pass.bytes(format)} bytes (got ${out.byteLength})`,
        );
      }
      const { width: w, height: h } = frame;
      if (format === "i420" && toI420) {
        toI420.read(renderer, out);
        return;
      }
      readRaw(renderer);
      if (format === "i420") rgbaBottomUpToI420(rgba, w, h, out);
      else {
        const row = w * 4;
        for (let y = 0; y < h; y++)
          out.set(rgba.subarray((h - 1 - y) * row, (h - y) * row), y * row);
      }
    },
    setSize(w, h) {
      checkI420Size(w, h);
      toI420?.setSize(w, h);
      frame.setSize(w, h);
    },
    dispose() {
      frame.dispose();
      toI420?.dispose();
    },
  };
  return pass;
}

function createI420Converter(frame: THREE.WebGLRenderTarget, width: number, height: number) {
  const packed = target(width / 4, (height * 3) / 2, THREE.NearestFilter, false);
  const uniforms = {
    uSrc: { value: frame.texture },
    uW: { value: width },
    uH: { value: height },
  };
  const scene = new THREE.Scene();
  const chroma = (axis: THREE.Vector3, scale: number) => ({
    frag: FRAG_C,
    extra: { uAxis: { value: axis }, uScale: { value: scale } },
  });
  const planes = [
    { frag: FRAG_Y, extra: {} },
    // Cb = (B − Y)/1.8556, Cr = (R − Y)/1.5748 (BT.709).
    chroma(new THREE.Vector3(0, 0, 1), 1 / 1.8556),
    chroma(new THREE.Vector3(1, 0, 0), 1 / 1.5748),
  ].map(({ frag, extra }) => {
    const mat = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: VERT,
      fragmentShader: frag,
      depthTest: false,
      depthWrite: false,
      uniforms: { ...uniforms, uRow0: { value: 0 }, ...extra },
    });
    const geo = new THREE.PlaneGeometry(2, 2);
    const mesh = new THREE.Mesh(geo, mat);
    mesh.frustumCulled = false;
    scene.add(mesh);
    return { mat, geo };
  });
  // Rows of the packed target: Y in [0, h), U in [h, 5h/4), V in [5h/4, 3h/2).
  const layout = (h: number) => {
    const rows = [0, h, (h * 5) / 4, (h * 3) / 2];
    planes.forEach(({ mat, geo }, i) => {
      const y0 = (rows[i]! / rows[3]!) * 2 - 1;
      const y1 = (rows[i + 1]! / rows[3]!) * 2 - 1;
      const pos = geo.attributes.position!;
      for (let v = 0; v < pos.count; v++) pos.setY(v, pos.getY(v) > 0 ? y1 : y0);
      pos.needsUpdate = true;
      mat.uniforms.uRow0!.value = rows[i]!;
    });
  };
  layout(height);
  const camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  return {
    read(renderer: THREE.WebGLRenderer, out: Uint8Array) {
      const prev = renderer.getRenderTarget();
      renderer.setRenderTarget(packed);
      renderer.render(scene, camera);
      renderer.readRenderTargetPixels(packed, 0, 0, packed.width, packed.height, out);
      renderer.setRenderTarget(prev);
    },
    setSize(w: number, h: number) {
      packed.setSize(w / 4, (h * 3) / 2);
      uniforms.uW.value = w;
      uniforms.uH.value = h;
      layout(h);
    },
    dispose() {
      packed.dispose();
      for (const { mat, geo } of planes) {
        mat.dispose();
        geo.dispose();
      }
    },
  };
}
