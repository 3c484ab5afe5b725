// Per-frame audio features: produced once, offline, by the analysis in Node; consumed by
// the visual engine (browser) so that a frame is a pure function of (index, features, config).
// Serialised as JSON with plain number arrays (see toJSON/fromJSON helpers in analysis).

export const FEATURES_VERSION = 2;

export interface AudioFeatures {
  version: number;
  fps: number;
  sampleRate: number;
  /** Audio duration in seconds; frameCount = ceil(durationSec * fps). */
  durationSec: number;
  frameCount: number;
  /** The steady tempo; null when there is no believable beat or the tempo changes. */
  bpm: number | null;
  /** How well the whole-track beat grid explains the onsets, 0..1 (audio/tempo.ts). */
  tempoConfidence: number;
  /** Local tempo over time (8 s windows every 2 s; one point for short tracks); bpm null
   * where no beat is believable. A changing tempo shows here while `bpm` is null. */
  tempoCurve: Array<{ timeSec: number; bpm: number | null }>;
  /** Names of the finer bands in `bands` (e.g. "sub", "bass", "lowmid", "mid", "highmid", "presence", "brilliance"). */
  bandNames: string[];
  /** All per-frame series are normalised to 0..1 over the whole track, then scaled down to 0
   * towards the absolute loudness floor (audio/loudness.ts). Length = frameCount. */
  rms: number[];
  bass: number[];
  mids: number[];
  highs: number[];
  /** Row-major frameCount × bandNames.length. */
  bands: number[];
  /** Spectral flux, normalised 0..1. */
  flux: number[];
  /** 1 where an onset was detected at this frame, else 0. */
  onsets: number[];
  /** Frame indices of beats on the estimated grid or curve (empty when the tempo is unknown). */
  beats: number[];
}
