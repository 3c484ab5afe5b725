// Checks a probed H.264 stream against the limits of the level it declares (ITU-T H.264
// Table A-1, written out here independently of src/page/avc-level.ts).
import { expect } from "vitest";
import type { Probe } from "./media";

// level_idc → max macroblocks/s, max frame size (MBs), max DPB (MBs), max High-profile kb/s.
const TABLE_A1: Record<number, [number, number, number, number]> = {
  30: [40_500, 1_620, 8_100, 12_500],
  31: [108_000, 3_600, 18_000, 17_500],
  32: [216_000, 5_120, 20_480, 25_000],
  40: [245_760, 8_192, 32_768, 25_000],
  41: [245_760, 8_192, 32_768, 62_500],
  42: [522_240, 8_704, 34_816, 62_500],
  50: [589_824, 22_080, 110_400, 168_750],
  51: [983_040, 36_864, 184_320, 300_000],
  52: [2_073_600, 36_864, 184_320, 300_000],
  60: [4_177_920, 139_264, 696_320, 300_000],
  61: [8_355_840, 139_264, 696_320, 600_000],
  62: [16_711_680, 139_264, 696_320, 1_000_000],
};

// Asserts size, macroblock rate, reference frames and (for clips of ≥ 1 s, where an average
// means something) bitrate fit the declared level; returns the level_idc.
export function expectConformsToLevel(v: Probe["video"], o: { bitrate: boolean }): number {
  const limits = TABLE_A1[v.level];
  expect(limits, `declared level ${v.level} is not one of 3.0–6.2`).toBeDefined();
  const [maxMbps, maxFs, maxDpbMbs, maxKbps] = limits!;
  const [num, den] = v.r_frame_rate.split("/").map(Number) as [number, number];
  const mbs = Math.ceil(v.width / 16) * Math.ceil(v.height / 16);
  expect(mbs).toBeLessThanOrEqual(maxFs);
  expect(Math.ceil(v.width / 16)).toBeLessThanOrEqual(Math.sqrt(8 * maxFs));
  expect(Math.ceil(v.height / 16)).toBeLessThanOrEqual(Math.sqrt(8 * maxFs));
  expect((mbs * num) / den).toBeLessThanOrEqual(maxMbps);
  expect(v.refs).toBeLessThanOrEqual(Math.min(16, Math.floor(maxDpbMbs / mbs)));
  if (o.bitrate) expect(Number(v.bit_rate) / 1000).toBeLessThanOrEqual(maxKbps);
  return v.level;
}
