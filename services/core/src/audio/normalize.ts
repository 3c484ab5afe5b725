// Normalisation of per-frame series to 0..1 over the whole track.

// Value at quantile q (0..1) of xs, without mutating it.
export function quantile(xs: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

// Divides by the 99th percentile (or the max when that is 0) and clips to [0, 1].
export function normalize01(xs: ArrayLike<number>): number[] {
  let ref = quantile(xs, 0.99);
  if (ref <= 0) ref = Math.max(0, ...Array.from(xs));
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = ref > 0 ? xs[i]! / ref : 0;
    out[i] = round4(Math.min(1, Math.max(0, v)));
  }
  return out;
}

// Keeps JSON small and stable: 4 decimals are far below what a frame can show.
export function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
