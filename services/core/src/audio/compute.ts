// Turns decoded PCM into per-video-frame AudioFeatures (pure, no I/O).

import { BANDS, bandAmplitudes } from "./bands";
import { type AudioFeatures, FEATURES_VERSION } from "./features";
import { normalize01, round4 } from "./normalize";
import { pickOnsets, spectralFlux } from "./onsets";
import { stft } from "./stft";
import { estimateTempo } from "./tempo";

const FFT_SIZE = 2048;

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
  const spec = stft(samples, sampleRate, subHop, subCount, FFT_SIZE);
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
  const bandNorm = bandRaw.map((s) => normalize01(s));
  const bands = new Array<number>(frameCount * BANDS.length);
  for (let i = 0; i < frameCount; i++) {
    for (let bi = 0; bi < BANDS.length; bi++) bands[i * BANDS.length + bi] = bandNorm[bi]![i]!;
  }

  const rmsRaw = new Float64Array(frameCount);
  for (let i = 0; i < frameCount; i++) {
    const a = Math.max(0, i * hop - hop / 2);
    const b = Math.min(samples.length, i * hop + hop / 2);
    let s = 0;
    for (let n = a; n < b; n++) s += samples[n]! * samples[n]!;
    rmsRaw[i] = b > a ? Math.sqrt(s / (b - a)) : 0;
  }

  const subFlux = spectralFlux(spec.mags, subCount, spec.bins);
  const envRate = fps * k;
  const peaks = pickOnsets(subFlux, {
    medianRadius: Math.max(2, Math.round(0.2 * envRate)),
    lambda: 1.5,
    delta: 0.08,
    peakRadius: Math.max(1, Math.round(0.03 * envRate)),
    minGap: Math.max(1, Math.round(0.08 * envRate)),
  });
  const onsets = new Array<number>(frameCount).fill(0);
  for (const j of peaks) onsets[frameOf(j)] = 1;
  const fluxFrame = new Float64Array(frameCount);
  for (let j = 0; j < subCount; j++) {
    const i = frameOf(j);
    fluxFrame[i] = Math.max(fluxFrame[i]!, subFlux[j]!);
  }
  const onsetTimes = peaks.map((j) => (j * subHop) / sampleRate);
  const tempo = estimateTempo(subFlux, envRate, onsetTimes);
  const beats: number[] = [];
  if (tempo) {
    for (let t = tempo.phase; t * fps < frameCount - 0.5; t += tempo.period)
      beats.push(Math.round(t * fps));
  }

  return {
    version: FEATURES_VERSION,
    fps,
    sampleRate,
    durationSec: round4(samples.length / sampleRate),
    frameCount,
    bpm: tempo ? tempo.bpm : null,
    bandNames: BANDS.map((b) => b.name),
    rms: normalize01(rmsRaw),
    bass: normalize01(groupRaw("bass")),
    mids: normalize01(groupRaw("mids")),
    highs: normalize01(groupRaw("highs")),
    bands,
    flux: normalize01(fluxFrame),
    onsets,
    beats,
  };
}
