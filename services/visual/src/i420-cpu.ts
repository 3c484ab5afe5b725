// RGBA → yuv420p on the CPU, the same maths as the GPU pass in readback.ts (BT.709, limited
// range, chroma from the mean of each 2×2 block), in 16.16 fixed point. Input rows are
// bottom-up, as readPixels returns them; output rows are top-down. ≈4 ms per 720p frame
// in V8, which under SwiftShader is far cheaper than the shader pass.

const ONE = 1 << 16;
const fx = (v: number) => Math.round(v * ONE);
const KR = 0.2126;
const KB = 0.0722;
const KG = 1 - KR - KB;
// Y = 16 + 219/255 · (Kr R + Kg G + Kb B)
const YR = fx((219 / 255) * KR);
const YG = fx((219 / 255) * KG);
const YB = fx((219 / 255) * KB);
// Cb = 128 + 224/255 · (B − Y′)/(2(1 − Kb)),  Cr = 128 + 224/255 · (R − Y′)/(2(1 − Kr))
const cb = 224 / 255 / (2 * (1 - KB));
const cr = 224 / 255 / (2 * (1 - KR));
const UR = fx(-KR * cb);
const UG = fx(-KG * cb);
const UB = -UR - UG; // grey → exactly 128
const VG = fx(-KG * cr);
const VB = fx(-KB * cr);
const VR = -VG - VB;
// Offsets with rounding folded in: 16 + ½ for Y; 4·(128 + ½) for the four-pixel chroma sums.
const Y0 = 16 * ONE + (ONE >> 1);
const C0 = 4 * (128 * ONE + (ONE >> 1));

// Converts `src` (width·height·4 bytes, rows bottom-up) into `out` (width·height·3/2 bytes).
export function rgbaBottomUpToI420(
  src: Uint8Array,
  width: number,
  height: number,
  out: Uint8Array,
): void {
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new Error(`I420 needs even dimensions (got ${width}×${height})`);
  }
  if (src.length !== width * height * 4 || out.length !== (width * height * 3) / 2) {
    throw new Error("rgbaBottomUpToI420: buffer sizes do not match the dimensions");
  }
  const cw = width >> 1;
  const uBase = width * height;
  const vBase = uBase + cw * (height >> 1);
  // One 32-bit read per pixel (little-endian: R in the low byte) instead of three byte reads.
  const px = new Uint32Array(src.buffer, src.byteOffset, width * height);
  for (let y = 0; y < height; y += 2) {
    const s0 = (height - 1 - y) * width; // top row of the pair (rows are bottom-up)
    const s1 = s0 - width;
    const y0 = y * width;
    const y1 = y0 + width;
    const c = (y >> 1) * cw;
    for (let x = 0; x < width; x += 2) {
      const p0 = px[s0 + x]!;
      const p1 = px[s0 + x + 1]!;
      const p2 = px[s1 + x]!;
      const p3 = px[s1 + x + 1]!;
      const r0 = p0 & 255,
        g0 = (p0 >>> 8) & 255,
        b0 = (p0 >>> 16) & 255;
      const r1 = p1 & 255,
        g1 = (p1 >>> 8) & 255,
        b1 = (p1 >>> 16) & 255;
      const r2 = p2 & 255,
        g2 = (p2 >>> 8) & 255,
        b2 = (p2 >>> 16) & 255;
      const r3 = p3 & 255,
        g3 = (p3 >>> 8) & 255,
        b3 = (p3 >>> 16) & 255;
      out[y0 + x] = (Y0 + YR * r0 + YG * g0 + YB * b0) >> 16;
      out[y0 + x + 1] = (Y0 + YR * r1 + YG * g1 + YB * b1) >> 16;
      out[y1 + x] = (Y0 + YR * r2 + YG * g2 + YB * b2) >> 16;
      out[y1 + x + 1] = (Y0 + YR * r3 + YG * g3 + YB * b3) >> 16;
      // Sums of four: the mean is folded into the final shift (>> 18 = / 4 / 65536).
      const r = r0 + r1 + r2 + r3;
      const g = g0 + g1 + g2 + g3;
      const b = b0 + b1 + b2 + b3;
      const ci = c + (x >> 1);
      out[uBase + ci] = (C0 + UR * r + UG * g + UB * b) >> 18;
      out[vBase + ci] = (C0 + VR * r + VG * g + VB * b) >> 18;
    }
  }
}
