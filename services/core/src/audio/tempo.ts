// Tempo: autocorrelation of the onset-strength envelope, refined by a least-squares fit of
// detected onset times onto a beat grid (the envelope's lag resolution alone is too coarse),
// then checked against the onsets: a grid counts only when most of its beats have an onset
// and most onsets sit on it (else the tempo is unknown). Over overlapping windows the same
// gives a tempo curve; a track whose local tempi disagree has no single tempo.

export interface TempoEstimate {
  bpm: number;
  /** Beat period in seconds. */
  period: number;
  /** Time of the grid's beat 0, in seconds. */
  phase: number;
  /** How well the grid explains the onsets, 0..1 (coverage × fit; see gridConfidence). */
  confidence: number;
}

/** A grid is believed when at least this share of its beats have an onset… */
export const MIN_COVERAGE = 0.6;
/** …and at least this share of the onsets fall on a beat or half-beat. */
export const MIN_FIT = 0.5;
/** Local tempo: windows of this many seconds, one every TEMPO_HOP seconds. */
export const TEMPO_WINDOW = 8;
export const TEMPO_HOP = 2;
/** Local tempi within this ratio of each other are one steady tempo. */
const STEADY = 0.04;

// Share of grid beats (from the first to the last onset) with an onset near them, and share
// of onsets on a beat or a half-beat (off-beat eighths are part of a steady groove).
export function gridFit(
  period: number,
  phase: number,
  onsetTimes: number[],
): { coverage: number; fit: number } {
  if (onsetTimes.length === 0) return { coverage: 0, fit: 0 };
  const tol = Math.max(0.035, 0.1 * period);
  const near = (t: number, step: number) => {
    const k = Math.round((t - phase) / step);
    return Math.abs(t - (phase + k * step)) <= tol;
  };
  const fit = onsetTimes.filter((t) => near(t, period / 2)).length / onsetTimes.length;
  const first = onsetTimes[0]!;
  const last = onsetTimes[onsetTimes.length - 1]!;
  let beats = 0;
  let hit = 0;
  for (let k = Math.ceil((first - tol - phase) / period); ; k++) {
    const b = phase + k * period;
    if (b > last + tol) break;
    beats++;
    if (onsetTimes.some((t) => Math.abs(t - b) <= tol)) hit++;
  }
  return { coverage: beats > 0 ? hit / beats : 0, fit };
}

function believed(g: { coverage: number; fit: number }): boolean {
  return g.coverage >= MIN_COVERAGE && g.fit >= MIN_FIT;
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
  const g = gridFit(period, phase, onsetTimes);
  return {
    bpm: Math.round((60 / period) * 100) / 100,
    period,
    phase,
    confidence: Math.round(g.coverage * g.fit * 1000) / 1000,
  };
}

export interface TempoAnalysis {
  /** The steady tempo; null when unknown or when it changes (see curve). */
  bpm: number | null;
  /** Confidence of the whole-track grid, 0..1. */
  confidence: number;
  /** Local tempo at the centre of each window (null where not believed). */
  curve: Array<{ timeSec: number; bpm: number | null }>;
  /** Beat times (s): the steady grid, or each window's own grid around its centre. */
  beats: number[];
}

// Whole-track tempo, tempo curve and beats from the onset envelope and onset times.
export function analyzeTempo(
  envelope: Float64Array,
  envRate: number,
  onsetTimes: number[],
  durationSec: number,
): TempoAnalysis {
  const whole = estimateTempo(envelope, envRate, onsetTimes);
  const wholeOk = whole !== null && believed(gridFit(whole.period, whole.phase, onsetTimes));
  const local: Array<{ timeSec: number; est: TempoEstimate | null }> = [];
  if (durationSec >= TEMPO_WINDOW + TEMPO_HOP) {
    for (let t0 = 0; t0 + TEMPO_WINDOW <= durationSec + 1e-9; t0 += TEMPO_HOP) {
      const a = Math.round(t0 * envRate);
      const b = Math.min(envelope.length, Math.round((t0 + TEMPO_WINDOW) * envRate));
      const ts = onsetTimes.filter((t) => t >= t0 && t < t0 + TEMPO_WINDOW).map((t) => t - t0);
      const est = estimateTempo(envelope.subarray(a, b), envRate, ts);
      const ok = est !== null && believed(gridFit(est.period, est.phase, ts));
      local.push({
        timeSec: t0 + TEMPO_WINDOW / 2,
        est: ok ? { ...est, phase: est.phase + t0 } : null,
      });
    }
  } else {
    local.push({ timeSec: durationSec / 2, est: wholeOk ? whole : null });
  }
  const known = local.flatMap((l) => (l.est ? [l.est.bpm] : []));
  const curve = local.map((l) => ({ timeSec: l.timeSec, bpm: l.est ? l.est.bpm : null }));
  const confidence = whole?.confidence ?? 0;
  if (known.length === 0) return { bpm: null, confidence, curve, beats: [] };
  const sorted = [...known].sort((x, y) => x - y);
  const steady = sorted[sorted.length - 1]! / sorted[0]! - 1 <= STEADY;
  if (steady && wholeOk) {
    const beats: number[] = [];
    for (let t = whole.phase; t < durationSec; t += whole.period) beats.push(t);
    return { bpm: whole.bpm, confidence, curve, beats };
  }
  // A changing (or only locally believed) tempo: each window lays its own grid over the
  // stretch it is the centre of (a little past both ends, so that no beat falls between two
  // windows' stretches); of two beats closer than half a period, the first is kept.
  const candidates: Array<{ t: number; period: number }> = [];
  local.forEach((l, i) => {
    if (!l.est) return;
    const { period, phase } = l.est;
    const from = i === 0 ? 0 : l.timeSec - TEMPO_HOP / 2 - period / 2;
    const to = i === local.length - 1 ? durationSec : l.timeSec + TEMPO_HOP / 2 + period / 2;
    for (let k = Math.ceil((from - phase) / period); phase + k * period < to; k++)
      candidates.push({ t: phase + k * period, period });
  });
  candidates.sort((a, b) => a.t - b.t);
  const beats: number[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const c of candidates) {
    if (c.t < 0 || c.t - last < c.period / 2) continue;
    beats.push(c.t);
    last = c.t;
  }
  // Steady where it was believed, though the whole-track grid drifted: the median tempo.
  const bpm = steady ? sorted[Math.floor(sorted.length / 2)]! : null;
  return { bpm, confidence, curve, beats };
}
