// Picks the smallest H.264 level (High profile codec string) that fits a size and rate.

const LEVELS = [
  { id: 0x28, maxFs: 8192, maxMbps: 245_760 },
  { id: 0x2a, maxFs: 8704, maxMbps: 522_240 },
  { id: 0x32, maxFs: 22_080, maxMbps: 589_824 },
  { id: 0x33, maxFs: 36_864, maxMbps: 983_040 },
  { id: 0x34, maxFs: 36_864, maxMbps: 2_073_600 },
];

// "avc1.64XXYY" for High profile, or null when even level 5.2 is too small.
export function avcHighCodec(width: number, height: number, fps: number): string | null {
  const mbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const side = Math.sqrt(LEVELS[0]!.maxFs * 8);
  for (const l of LEVELS) {
    const maxSide = Math.sqrt(l.maxFs * 8) * 16;
    if (
      mbs <= l.maxFs &&
      mbs * fps <= l.maxMbps &&
      width <= maxSide &&
      height <= maxSide &&
      side > 0
    ) {
      return `avc1.6400${l.id.toString(16).padStart(2, "0")}`;
    }
  }
  return null;
}
