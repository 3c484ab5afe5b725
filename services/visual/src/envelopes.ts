// Audio envelopes: attack/release smoothing of the features, computed once per (features,
// config) so that any frame's drive is a lookup (frames stay pure functions of their index).
import type { AudioFeatures } from "@efs/core/audio/features";
import type { VisualConfig } from "./config";

export interface Envelopes {
  frameCount: number;
  fps: number;
  bass: Float32Array;
  mids: Float32Array;
  highs: Float32Array;
  beat: Float32Array;
  rms: Float32Array;
}

export interface FrameDrive {
  bass: number;
  mids: number;
  highs: number;
  beat: number;
  rms: number;
}

function smooth(
  xs: ArrayLike<number>,
  n: number,
  fps: number,
  attack: number,
  release: number,
): Float32Array {
  const a = attack > 0 ? 1 - Math.exp(-1 / (attack * fps)) : 1;
  const r = release > 0 ? 1 - Math.exp(-1 / (release * fps)) : 1;
  const out = new Float32Array(n);
  let env = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] ?? 0;
    env += (x - env) * (x > env ? a : r);
    out[i] = env;
  }
  return out;
}

// Precomputes per-frame envelopes from features (beat = onset kicks scaled by flux).
export function computeEnvelopes(f: AudioFeatures, config: VisualConfig): Envelopes {
  const { attack, release, beatSensitivity } = config.dynamics;
  const n = f.frameCount;
  const kicks = Array.from({ length: n }, (_, i) =>
    f.onsets[i] ? Math.min(1, 0.5 + (f.flux[i] ?? 0)) : 0,
  );
  const beat = smooth(kicks, n, f.fps, 0, release * 0.6);
  for (let i = 0; i < n; i++) beat[i] = Math.min(1.5, beat[i]! * beatSensitivity);
  return {
    frameCount: n,
    fps: f.fps,
    bass: smooth(f.bass, n, f.fps, attack, release),
    mids: smooth(f.mids, n, f.fps, attack, release),
    highs: smooth(f.highs, n, f.fps, attack, release),
    beat,
    rms: smooth(f.rms, n, f.fps, attack, release),
  };
}

// The drive the scene uses at a frame: envelopes times the config's gain, at most 2 (the
// beat is already scaled by beatSensitivity).
export function frameDrive(e: Envelopes, frame: number, gain: number): FrameDrive {
  const d = driveAt(e, frame);
  const g = (x: number) => Math.min(2, x * gain);
  return { bass: g(d.bass), mids: g(d.mids), highs: g(d.highs), beat: d.beat, rms: g(d.rms) };
}

// Envelope values at a (possibly fractional) frame position; zero outside the track.
export function driveAt(e: Envelopes, frame: number): FrameDrive {
  const i0 = Math.floor(frame);
  const t = frame - i0;
  const at = (xs: Float32Array) => {
    const a = i0 >= 0 && i0 < e.frameCount ? xs[i0]! : 0;
    if (t === 0) return a;
    const b = i0 + 1 >= 0 && i0 + 1 < e.frameCount ? xs[i0 + 1]! : 0;
    return a + (b - a) * t;
  };
  return {
    bass: at(e.bass),
    mids: at(e.mids),
    highs: at(e.highs),
    beat: at(e.beat),
    rms: at(e.rms),
  };
}
