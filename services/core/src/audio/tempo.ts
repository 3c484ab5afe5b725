// Tempo: autocorrelation of the onset-strength envelope, refined by a least-squares fit of
// detected onset times onto a beat grid (the envelope's lag resolution alone is too coarse).

export interface TempoEstimate {
  bpm: number;
  /** Beat period in seconds. */
  period: number;
  /** Time of the grid's beat 0, in seconds. */
  phase: number;
}

// Estimates tempo from an onset envelope (rate `envRate` per second) and onset times (s).
export function estimateTempo(
  envelope: Float64Array,
  envRate: number,
  onsetTimes: number[],
  range: { min: number; max: number } = { min: 60, max: 200 },
): TempoEstimate | null {
  if (onsetTimes.length < 4) return null;
  const n = envelope.length;
  let mean = 0;
  for (const v of envelope) mean += v;
  mean /= n;
  const minLag = Math.max(1, Math.floor((60 * envRate) / range.max));
  const maxLag = Math.min(n - 2, Math.ceil((60 * envRate) / range.min));
  if (maxLag <= minLag) return null;
  const ac = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    if (lag < 1) continue;
    let s = 0;
    for (let i = lag; i < n; i++) s += (envelope[i]! - mean) * (envelope[i - lag]! - mean);
    ac[lag] = s / (n - lag);
  }
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const bpm = (60 * envRate) / lag;
    // Mild preference for tempi near 120 BPM resolves octave ambiguity.
    const prior = Math.exp(-0.5 * (Math.log2(bpm / 120) / 1.0) ** 2);
    const score = ac[lag]! * prior;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  if (best < 0 || ac[best]! <= 0) return null;
  const y0 = ac[best - 1] ?? ac[best]!;
  const y1 = ac[best]!;
  const y2 = ac[best + 1] ?? ac[best]!;
  const denom = y0 - 2 * y1 + y2;
  const offset = denom !== 0 ? (0.5 * (y0 - y2)) / denom : 0;
  let period = (best + Math.max(-0.5, Math.min(0.5, offset))) / envRate;
  let phase = onsetTimes[0]!;
  // Two refinement passes: snap onsets to the grid, fit t = phase + period·k.
  for (let pass = 0; pass < 2; pass++) {
    const ks: number[] = [];
    const ts: number[] = [];
    for (const t of onsetTimes) {
      const k = Math.round((t - phase) / period);
      if (Math.abs(t - (phase + k * period)) < period * 0.2) {
        ks.push(k);
        ts.push(t);
      }
    }
    if (ks.length < 4) break;
    const mk = ks.reduce((a, b) => a + b, 0) / ks.length;
    const mt = ts.reduce((a, b) => a + b, 0) / ts.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < ks.length; i++) {
      sxy += (ks[i]! - mk) * (ts[i]! - mt);
      sxx += (ks[i]! - mk) ** 2;
    }
    if (sxx === 0) break;
    period = sxy / sxx;
    phase = mt - period * mk;
  }
  if (!(period > 0)) return null;
  while (phase - period >= 0) phase -= period;
  while (phase < 0) phase += period;
  return { bpm: Math.round((60 / period) * 100) / 100, period, phase };
}
