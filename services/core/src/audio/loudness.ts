// The absolute loudness floor: features are normalised per track (so quiet recordings still
// drive the visuals), which on its own would make a −80 dBFS hiss look like loud noise. This
// gate scales every feature by how far a frame is above the floor: 0 at or below
// SILENCE_DBFS (renders as silence), 1 from FULL_DBFS up, linear in dB between.

/** Frames at or below this RMS level (dBFS, full-scale sine = −3) count as silence. */
export const SILENCE_DBFS = -70;
/** Frames at or above this level are not attenuated at all. */
export const FULL_DBFS = -50;
/** The gate looks this many frames back and ahead, so a hit's first frame is not cut. */
const REACH = { back: 1, ahead: 2 };

// Per-frame gain 0..1 from each frame's linear RMS (of the raw samples, before any
// normalisation).
export function loudnessGate(rms: ArrayLike<number>): Float64Array {
  const n = rms.length;
  const level = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const db = 20 * Math.log10(Math.max(rms[i]!, 1e-12));
    level[i] = Math.min(1, Math.max(0, (db - SILENCE_DBFS) / (FULL_DBFS - SILENCE_DBFS)));
  }
  const gate = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let g = 0;
    for (let k = Math.max(0, i - REACH.back); k <= Math.min(n - 1, i + REACH.ahead); k++)
      g = Math.max(g, level[k]!);
    gate[i] = g;
  }
  return gate;
}
