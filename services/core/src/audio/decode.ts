// Decodes any audio ffmpeg can read into mono 32-bit float PCM at a fixed sample rate.
import { runChild } from "../proc/run";

export const ANALYSIS_SAMPLE_RATE = 48_000;

export interface DecodedAudio {
  sampleRate: number;
  samples: Float32Array;
}

// Streams ffmpeg's f32le output into one growing buffer (the input is read once, by ffmpeg).
export async function decodeToMonoPcm(
  inputPath: string,
  opts: { sampleRate?: number; ffmpegPath?: string; signal?: AbortSignal } = {},
): Promise<DecodedAudio> {
  const sampleRate = opts.sampleRate ?? ANALYSIS_SAMPLE_RATE;
  const args = ["-v", "error", "-nostdin", "-i", inputPath, "-vn", "-ac", "1"];
  args.push("-ar", String(sampleRate), "-f", "f32le", "pipe:1");
  let buf = new Uint8Array(1 << 20);
  let len = 0;
  const res = await runChild(opts.ffmpegPath ?? "ffmpeg", args, {
    signal: opts.signal,
    killGraceMs: 0,
    onStdout: (chunk) => {
      if (len + chunk.length > buf.length) {
        const next = new Uint8Array(Math.max(buf.length * 2, len + chunk.length));
        next.set(buf.subarray(0, len));
        buf = next;
      }
      buf.set(chunk, len);
      len += chunk.length;
    },
  });
  if (res.exitCode !== 0) {
    const why = res.stderr.trim().split("\n").slice(-2).join(" ") || "no output";
    throw new Error(
      `ffmpeg could not decode ${inputPath} (exit ${res.exitCode ?? res.signal}): ${why}`,
    );
  }
  const usable = len - (len % 4);
  if (usable === 0) throw new Error(`${inputPath} has no decodable audio samples`);
  const aligned = new Uint8Array(usable);
  aligned.set(buf.subarray(0, usable));
  return { sampleRate, samples: new Float32Array(aligned.buffer) };
}
