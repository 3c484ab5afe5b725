// Deterministic synthetic AudioFeatures for visual tests (no audio decoding needed).
import type { AudioFeatures } from "@efs/core/audio/features";

// A 4 s, 30 fps track with a 120 BPM kick, a slow mid swell and hats on the off-beats.
export function syntheticFeatures(fps = 30, seconds = 4): AudioFeatures {
  const n = fps * seconds;
  const beatEvery = fps / 2;
  const bass = Array.from({ length: n }, (_, i) => Math.max(0, 1 - (i % beatEvery) / 6));
  const mids = Array.from({ length: n }, (_, i) => 0.5 + 0.5 * Math.sin((i / n) * Math.PI * 2));
  const highs = Array.from({ length: n }, (_, i) =>
    (i + beatEvery / 2) % beatEvery < 2 ? 0.9 : 0.1,
  );
  const onsets = Array.from({ length: n }, (_, i) => (i % beatEvery === 0 ? 1 : 0));
  const names = ["sub", "bass", "lowmid", "mid", "highmid", "presence", "brilliance"];
  return {
    version: 2,
    fps,
    sampleRate: 48_000,
    durationSec: seconds,
    frameCount: n,
    bpm: 120,
    tempoConfidence: 1,
    tempoCurve: [{ timeSec: seconds / 2, bpm: 120 }],
    bandNames: names,
    rms: bass.map((b, i) => (b + mids[i]!) / 2),
    bass,
    mids,
    highs,
    bands: Array.from({ length: n * names.length }, (_, k) => {
      const i = Math.floor(k / names.length);
      const b = k % names.length;
      return b < 2 ? bass[i]! : b < 5 ? mids[i]! : highs[i]!;
    }),
    flux: onsets.map((o) => (o ? 1 : 0.05)),
    onsets,
    beats: onsets.flatMap((o, i) => (o ? [i] : [])),
  };
}

// The loudest a track can drive a preset: every band at full scale and a full-strength
// onset every `every` frames (for framing and clipping checks on beats).
export function loudFeatures(fps = 30, seconds = 3, every = 8): AudioFeatures {
  const f = syntheticFeatures(fps, seconds);
  const n = f.frameCount;
  const ones = Array<number>(n).fill(1);
  const onsets = Array.from({ length: n }, (_, i) => (i % every === 0 ? 1 : 0));
  return {
    ...f,
    rms: ones,
    bass: ones,
    mids: ones,
    highs: ones,
    bands: Array<number>(n * f.bandNames.length).fill(1),
    flux: onsets.map((o) => (o ? 1 : 0.2)),
    onsets,
    beats: onsets.flatMap((o, i) => (o ? [i] : [])),
  };
}
