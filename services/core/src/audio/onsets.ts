// Onset detection: spectral flux with an adaptive (moving median) threshold and peak picking.

// Half-wave rectified spectral flux of log-compressed magnitudes, one value per STFT frame.
export function spectralFlux(mags: Float32Array, count: number, bins: number): Float64Array {
  const flux = new Float64Array(count);
  for (let j = 1; j < count; j++) {
    let sum = 0;
    const a = j * bins;
    const b = (j - 1) * bins;
    for (let k = 1; k < bins; k++) {
      const d = Math.log1p(100 * mags[a + k]!) - Math.log1p(100 * mags[b + k]!);
      if (d > 0) sum += d;
    }
    flux[j] = sum;
  }
  return flux;
}

export interface PeakOptions {
  /** Half-width of the moving-median window, in flux frames. */
  medianRadius: number;
  /** Multiplier on the local median. */
  lambda: number;
  /** Absolute floor, relative to the track's flux maximum. */
  delta: number;
  /** Half-width of the local-maximum test, in flux frames. */
  peakRadius: number;
  /** Minimum distance between onsets, in flux frames. */
  minGap: number;
}

// Indices of flux peaks above lambda·median + delta·max that are local maxima.
export function pickOnsets(flux: Float64Array, o: PeakOptions): number[] {
  let max = 0;
  for (const v of flux) max = Math.max(max, v);
  if (max <= 0) return [];
  const out: number[] = [];
  const win: number[] = [];
  for (let j = 0; j < flux.length; j++) {
    win.length = 0;
    for (
      let i = Math.max(0, j - o.medianRadius);
      i <= Math.min(flux.length - 1, j + o.medianRadius);
      i++
    ) {
      win.push(flux[i]!);
    }
    win.sort((x, y) => x - y);
    const median = win[win.length >> 1]!;
    const v = flux[j]!;
    if (v < o.lambda * median + o.delta * max) continue;
    let isPeak = true;
    for (
      let i = Math.max(0, j - o.peakRadius);
      i <= Math.min(flux.length - 1, j + o.peakRadius);
      i++
    ) {
      if (flux[i]! > v || (flux[i] === v && i < j)) {
        isPeak = false;
        break;
      }
    }
    if (!isPeak) continue;
    const last = out[out.length - 1];
    if (last !== undefined && j - last < o.minGap) continue;
    out.push(j);
  }
  return out;
}
