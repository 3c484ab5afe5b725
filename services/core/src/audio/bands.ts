// Frequency bands: the finer bands and how they fold into bass / mids / highs.

export const BANDS = [
  { name: "sub", lo: 20, hi: 60, group: "bass" },
  { name: "bass", lo: 60, hi: 250, group: "bass" },
  { name: "lowmid", lo: 250, hi: 500, group: "mids" },
  { name: "mid", lo: 500, hi: 2000, group: "mids" },
  { name: "highmid", lo: 2000, hi: 4000, group: "mids" },
  { name: "presence", lo: 4000, hi: 6000, group: "highs" },
  { name: "brilliance", lo: 6000, hi: 20000, group: "highs" },
] as const;

export type BandGroup = (typeof BANDS)[number]["group"];

// RMS magnitude of each band for one spectrum row.
export function bandAmplitudes(
  mags: Float32Array,
  row: number,
  bins: number,
  binHz: number,
  lo: number,
  hi: number,
): number {
  const k0 = Math.max(1, Math.floor(lo / binHz));
  const k1 = Math.min(bins - 1, Math.ceil(hi / binHz));
  let sum = 0;
  for (let k = k0; k <= k1; k++) {
    const m = mags[row * bins + k]!;
    sum += m * m;
  }
  return Math.sqrt(sum / Math.max(1, k1 - k0 + 1));
}
