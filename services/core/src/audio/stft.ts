// Short-time Fourier transform over every sample: magnitude spectra on a regular hop.
import FFT from "fft.js";

export interface Spectrogram {
  /** Number of analysis frames. */
  count: number;
  /** Bins per frame (size/2 + 1). */
  bins: number;
  binHz: number;
  hop: number;
  /** Row-major count × bins magnitudes. */
  mags: Float32Array;
}

// Hann-windowed STFT; frame j is centred on sample j*hop (zero-padded at both ends). The
// last `fadeOut` samples are read through a raised-cosine fade, so a track that stops
// mid-note ends without the broadband click a hard cut would put into the last frames.
export function stft(
  samples: Float32Array,
  sampleRate: number,
  hop: number,
  count: number,
  size = 2048,
  fadeOut = 0,
): Spectrogram {
  const fft = new FFT(size);
  const window = new Float32Array(size);
  for (let n = 0; n < size; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / size);
  const bins = size / 2 + 1;
  const mags = new Float32Array(count * bins);
  const input = new Array<number>(size).fill(0);
  const out = fft.createComplexArray() as number[];
  const half = size / 2;
  const fadeFrom = samples.length - fadeOut;
  for (let j = 0; j < count; j++) {
    const start = j * hop - half;
    for (let n = 0; n < size; n++) {
      const s = start + n;
      let x = s >= 0 && s < samples.length ? samples[s]! * window[n]! : 0;
      if (s >= fadeFrom && s < samples.length)
        x *= 0.5 + 0.5 * Math.cos((Math.PI * (s - fadeFrom + 1)) / fadeOut);
      input[n] = x;
    }
    fft.realTransform(out, input);
    const row = j * bins;
    for (let k = 0; k < bins; k++) {
      const re = out[2 * k]!;
      const im = out[2 * k + 1]!;
      mags[row + k] = Math.sqrt(re * re + im * im);
    }
  }
  return { count, bins, binHz: sampleRate / size, hop, mags };
}
