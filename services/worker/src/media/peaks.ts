// Waveform peaks for the browser: the loudest |sample| per bucket (0..1, evenly spaced over the
// track), from a mono 8 kHz decode streamed out of ffmpeg (never held whole in memory).
import { runChild } from "@efs/core/proc/run";

export interface Peaks {
  version: 1;
  /** Peak per bucket, 0..1, rounded to 4 decimals. */
  peaks: number[];
  sampleRate: number;
  samplesPerPeak: number;
}

const RATE = 8000;

// Decodes `input` and reduces it to at most `buckets` peaks (fewer for very short audio).
export async function computePeaks(
  input: string,
  durationSec: number,
  buckets = 1000,
  signal?: AbortSignal,
): Promise<Peaks> {
  const totalSamples = Math.max(1, Math.ceil(durationSec * RATE));
  const samplesPerPeak = Math.max(1, Math.ceil(totalSamples / buckets));
  const peaks: number[] = [];
  let peak = 0;
  let n = 0;
  let carry = Buffer.alloc(0);
  await runChild(
    "ffmpeg",
    [
      "-hide_banner",
      "-nostdin",
      "-v",
      "error",
      "-i",
      input,
      "-vn",
      "-ac",
      "1",
      "-ar",
      String(RATE),
      "-f",
      "f32le",
      "-",
    ],
    {
      signal,
      timeoutMs: 10 * 60_000,
      reject: true,
      killGraceMs: 0,
      onStdout: (chunk) => {
        const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const whole = buf.length - (buf.length % 4);
        for (let i = 0; i < whole; i += 4) {
          const v = Math.abs(buf.readFloatLE(i));
          if (v > peak) peak = v;
          if (++n === samplesPerPeak) {
            peaks.push(Math.round(Math.min(1, peak) * 1e4) / 1e4);
            peak = 0;
            n = 0;
          }
        }
        carry = Buffer.from(buf.subarray(whole));
      },
    },
  );
  if (n > 0) peaks.push(Math.round(Math.min(1, peak) * 1e4) / 1e4);
  return { version: 1, peaks, sampleRate: RATE, samplesPerPeak };
}
