"use client";
// Fallback when an audio item has no precomputed features: live Web Audio analysis of the
// playing element, written frame by frame into the same AudioFeatures shape the renderer uses
// (rms, bass, mids, highs, flux, onsets; 0..1), so the same visual code can draw from it.
import { type AudioFeatures, FEATURES_VERSION } from "@efs/core/audio/features";

const BANDS: Array<[name: "bass" | "mids" | "highs", lowHz: number, highHz: number]> = [
  ["bass", 20, 250],
  ["mids", 250, 4000],
  ["highs", 4000, 16000],
];

export interface LiveAnalysis {
  features: AudioFeatures;
  /** Analyses the current moment into frame floor(t × fps); returns true when a frame was written. */
  sample(timeSec: number): boolean;
  dispose(): void;
}

const sources = new WeakMap<HTMLMediaElement, { ctx: AudioContext; analyser: AnalyserNode }>();

// Starts analysing `audio` (needs CORS on the media; same-origin for local storage).
export function analyseLive(audio: HTMLAudioElement, durationSec: number, fps = 30): LiveAnalysis {
  let graph = sources.get(audio);
  if (!graph) {
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    analyser.smoothingTimeConstant = 0.3;
    ctx.createMediaElementSource(audio).connect(analyser);
    analyser.connect(ctx.destination);
    graph = { ctx, analyser };
    sources.set(audio, graph);
  }
  const { ctx, analyser } = graph;
  void ctx.resume();
  const frameCount = Math.max(1, Math.ceil(durationSec * fps));
  const zeros = () => new Array<number>(frameCount).fill(0);
  const features: AudioFeatures = {
    version: FEATURES_VERSION,
    fps,
    sampleRate: ctx.sampleRate,
    durationSec,
    frameCount,
    bpm: null,
    tempoConfidence: 0,
    tempoCurve: [],
    bandNames: ["bass", "mids", "highs"],
    rms: zeros(),
    bass: zeros(),
    mids: zeros(),
    highs: zeros(),
    bands: new Array<number>(frameCount * 3).fill(0),
    flux: zeros(),
    onsets: zeros(),
    beats: [],
  };
  const spectrum = new Uint8Array(analyser.frequencyBinCount);
  const previous = new Uint8Array(analyser.frequencyBinCount);
  const wave = new Float32Array(analyser.fftSize);
  const hzPerBin = ctx.sampleRate / analyser.fftSize;
  let fluxAvg = 0;

  return {
    features,
    sample(timeSec) {
      const frame = Math.floor(timeSec * fps);
      if (frame < 0 || frame >= frameCount) return false;
      analyser.getByteFrequencyData(spectrum);
      analyser.getFloatTimeDomainData(wave);
      let sq = 0;
      for (const v of wave) sq += v * v;
      features.rms[frame] = Math.min(1, Math.sqrt(sq / wave.length) * 3);
      BANDS.forEach(([name, lo, hi], b) => {
        const from = Math.max(1, Math.floor(lo / hzPerBin));
        const to = Math.min(spectrum.length - 1, Math.ceil(hi / hzPerBin));
        let sum = 0;
        for (let i = from; i <= to; i++) sum += spectrum[i] ?? 0;
        const level = sum / Math.max(1, to - from + 1) / 255;
        features[name][frame] = level;
        features.bands[frame * 3 + b] = level;
      });
      let flux = 0;
      for (let i = 0; i < spectrum.length; i++)
        flux += Math.max(0, (spectrum[i] ?? 0) - (previous[i] ?? 0));
      previous.set(spectrum);
      const f = Math.min(1, flux / (spectrum.length * 16));
      features.flux[frame] = f;
      features.onsets[frame] = f > fluxAvg * 1.8 && f > 0.05 ? 1 : 0;
      fluxAvg = fluxAvg * 0.9 + f * 0.1;
      return true;
    },
    dispose() {
      void ctx.suspend();
    },
  };
}
