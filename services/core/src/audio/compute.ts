// Turns decoded PCM into per-video-frame AudioFeatures (pure, no I/O).

import { BANDS, bandAmplitudes } from "./bands";
import { type AudioFeatures, FEATURES_VERSION } from "./features";
import { loudnessGate } from "./loudness";
import { normalize01, round4 } from "./normalize";
import { pickOnsets, spectralFlux } from "./onsets";
import { stft } from "./stft";
import { analyzeTempo } from "./tempo";

const FFT_SIZE = 2048;
/** The track's last 40 ms are faded before analysis (a hard stop is not an onset). */
const END_FADE_SEC = 0.04;
/** An "onset" after which the signal is this much quieter than before is a stop, not a hit. */
const OFFSET_RATIO = 0.5;
const OFFSET_WINDOW_SEC = 0.04;

// Checks that a frame rate gives a whole-sample hop at this sample rate.
export function hopFor(sampleRate: number, fps: number): number {
  const hop = sampleRate / fps;
  if (!Number.isInteger(hop) || fps <= 0) {
    throw new Error(
      `fps ${fps} does not divide the analysis rate ${sampleRate} Hz; use 24, 25, 30, 50 or 60`,
    );
  }
  return hop;
}

// Computes features with one row per video frame; the STFT runs on a sub-hop so that every
// sample lies inside a window (hop ≤ FFT_SIZE/2) and onsets keep sub-frame precision.
export function computeFeatures(
  samples: Float32Array,
  sampleRate: number,
  fps: number,
): AudioFeatures {
  const hop = hopFor(sampleRate, fps);
  const frameCount = Math.max(1, Math.ceil(samples.length / hop));
  const k = Math.max(1, Math.ceil(hop / (FFT_SIZE / 2)));
  const subHop = Math.round(hop / k);
  const subCount = Math.ceil(samples.length / subHop) + 1;
  const fade = Math.min(samples.length, Math.round(END_FADE_SEC * sampleRate));
  const spec = stft(samples, sampleRate, subHop, subCount, FFT_SIZE, fade);
  const frameOf = (j: number) => Math.min(frameCount - 1, Math.round(j / k));

  const bandSums = BANDS.map(() => new Float64Array(frameCount));
  const owned = new Float64Array(frameCount);
  for (let j = 0; j < subCount; j++) {
    const i = frameOf(j);
    owned[i]! += 1;
    BANDS.forEach((b, bi) => {
      bandSums[bi]![i]! += bandAmplitudes(spec.mags, j, spec.bins, spec.binHz, b.lo, b.hi);
    });
  }
  const compress = (x: number) => Math.log1p(1000 * x);
  const bandRaw = bandSums.map((s) =>
    Array.from(s, (v, i) => compress(v / Math.max(1, owned[i]!))),
  );
  const groupRaw = (g: string) => {
    const idx = BANDS.flatMap((b, bi) => (b.group === g ? [bi] : []));
    return Array.from(
      { length: frameCount },
      (_, i) => idx.reduce((a, bi) => a + bandRaw[bi]![i]!, 0) / idx.length,
    );
  };
  const rmsRaw = new Float64Array(frameCount);
  for (let i = 0; i < frameCount; i++) {
    const a = Math.max(0, i * hop - hop / 2);
    const b = Math.min(samples.length, i * hop + hop / 2);
    let s = 0;
    for (let n = a; n < b; n++) s += samples[n]! * samples[n]!;
    rmsRaw[i] = b > a ? Math.sqrt(s / (b - a)) : 0;
  }
  // Normalised per track, then held down to the absolute loudness floor (loudness.ts).
  const gate = loudnessGate(rmsRaw);
  const gated = (xs: number[]) => xs.map((v, i) => round4(v * gate[i]!));
  const bandNorm = bandRaw.map((s) => gated(normalize01(s)));
  const bands = new Array<number>(frameCount * BANDS.length);
  for (let i = 0; i < frameCount; i++) {
    for (let bi = 0; bi < BANDS.length; bi++) bands[i * BANDS.length + bi] = bandNorm[bi]![i]!;
  }

  const subFlux = spectralFlux(spec.mags, subCount, spec.bins);
  const envRate = fps * k;
  const energy = (from: number, to: number) => {
    let s = 0;
    for (let n = Math.max(0, from); n < Math.min(samples.length, to); n++) s += samples[n]! ** 2;
    return s;
  };
  const w = Math.round(OFFSET_WINDOW_SEC * sampleRate);
  const peaks = pickOnsets(subFlux, {
    medianRadius: Math.max(2, Math.round(0.2 * envRate)),
    lambda: 1.5,
    delta: 0.08,
    peakRadius: Math.max(1, Math.round(0.03 * envRate)),
    minGap: Math.max(1, Math.round(0.08 * envRate)),
  }).filter((j) => {
    // Below the loudness floor nothing is an onset; nor is a stop (the signal quieter after
    // than before: a track that ends or cuts to silence mid-note).
    if (gate[frameOf(j)]! < 0.5) return false;
    const t = j * subHop;
    return energy(t, t + w) >= OFFSET_RATIO * energy(t - w, t);
  });
  const onsets = new Array<number>(frameCount).fill(0);
  for (const j of peaks) onsets[frameOf(j)] = 1;
  const fluxFrame = new Float64Array(frameCount);
  for (let j = 0; j < subCount; j++) {
    const i = frameOf(j);
    fluxFrame[i] = Math.max(fluxFrame[i]!, subFlux[j]!);
  }
  const onsetTimes = peaks.map((j) => (j * subHop) / sampleRate);
  const durationSec = samples.length / sampleRate;
  const tempo = analyzeTempo(subFlux, envRate, onsetTimes, durationSec);
  const beats = [
    ...new Set(tempo.beats.map((t) => Math.round(t * fps)).filter((i) => i < frameCount)),
  ];

  return {
    version: FEATURES_VERSION,
    fps,
    sampleRate,
    durationSec: round4(durationSec),
    frameCount,
    bpm: tempo.bpm,
    tempoConfidence: tempo.confidence,
    tempoCurve: tempo.curve.map((p) => ({ timeSec: round4(p.timeSec), bpm: p.bpm })),
    bandNames: BANDS.map((b) => b.name),
    rms: gated(normalize01(rmsRaw)),
    bass: gated(normalize01(groupRaw("bass"))),
    mids: gated(normalize01(groupRaw("mids"))),
    highs: gated(normalize01(groupRaw("highs"))),
    bands,
    flux: gated(normalize01(fluxFrame)),
    onsets,
    beats,
  };
}
