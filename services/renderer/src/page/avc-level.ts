// H.264 levels (ITU-T H.264 Table A-1): the smallest level a stream fits, for WebCodecs' codec
// string and libx264's `-level`, so every file declares a level its decoder can hold it to.

export interface AvcLevel {
  /** level_idc: 40 for 4.0, 62 for 6.2. */
  idc: number;
  /** Max macroblocks per second. */
  maxMbps: number;
  /** Max frame size in macroblocks (also bounds each side: ≤ √(8·maxFs) macroblocks). */
  maxFs: number;
  /** Max decoded picture buffer in macroblocks. */
  maxDpbMbs: number;
  /** Max video bitrate and coded picture buffer for High profile, kbit/s and kbit (Table A-1 × 1.25). */
  maxKbps: number;
  maxCpbKbit: number;
}

const level = (
  idc: number,
  maxMbps: number,
  maxFs: number,
  maxDpbMbs: number,
  maxBr: number,
  maxCpb: number,
): AvcLevel => ({
  idc,
  maxMbps,
  maxFs,
  maxDpbMbs,
  maxKbps: maxBr * 1.25,
  maxCpbKbit: maxCpb * 1.25,
});

export const AVC_LEVELS: readonly AvcLevel[] = [
  level(30, 40_500, 1_620, 8_100, 10_000, 10_000),
  level(31, 108_000, 3_600, 18_000, 14_000, 14_000),
  level(32, 216_000, 5_120, 20_480, 20_000, 20_000),
  level(40, 245_760, 8_192, 32_768, 20_000, 25_000),
  level(41, 245_760, 8_192, 32_768, 50_000, 62_500),
  level(42, 522_240, 8_704, 34_816, 50_000, 62_500),
  level(50, 589_824, 22_080, 110_400, 135_000, 135_000),
  level(51, 983_040, 36_864, 184_320, 240_000, 240_000),
  level(52, 2_073_600, 36_864, 184_320, 240_000, 240_000),
  level(60, 4_177_920, 139_264, 696_320, 240_000, 240_000),
  level(61, 8_355_840, 139_264, 696_320, 480_000, 480_000),
  level(62, 16_711_680, 139_264, 696_320, 800_000, 800_000),
];

export interface AvcStream {
  width: number;
  height: number;
  fps: number;
  /** VBV max rate and buffer (kbit/s, kbit), when the encoder is given them. */
  maxKbps?: number;
  bufKbit?: number;
}

// Whether a stream's size, rate and VBV fit a level.
export function fitsLevel(s: AvcStream, l: AvcLevel): boolean {
  const wMbs = Math.ceil(s.width / 16);
  const hMbs = Math.ceil(s.height / 16);
  const maxSide = Math.sqrt(8 * l.maxFs);
  return (
    wMbs * hMbs <= l.maxFs &&
    wMbs <= maxSide &&
    hMbs <= maxSide &&
    wMbs * hMbs * s.fps <= l.maxMbps &&
    (s.maxKbps ?? 0) <= l.maxKbps &&
    (s.bufKbit ?? 0) <= l.maxCpbKbit
  );
}

// The smallest level (from `minIdc`) that fits, or null when even 6.2 is too small.
export function avcLevel(s: AvcStream, minIdc = 30): AvcLevel | null {
  return AVC_LEVELS.find((l) => l.idc >= minIdc && fitsLevel(s, l)) ?? null;
}

// "avc1.64XXYY" for High profile, level 4.0 to 5.2 (what WebCodecs here accepts), or null.
export function avcHighCodec(width: number, height: number, fps: number): string | null {
  const l = avcLevel({ width, height, fps }, 40);
  if (!l || l.idc > 52) return null;
  return `avc1.6400${l.idc.toString(16).padStart(2, "0")}`;
}
