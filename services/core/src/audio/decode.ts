// Decodes any audio ffmpeg can read into mono 32-bit float PCM at a fixed sample rate.
import { spawn } from "node:child_process";

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
  const child = spawn(opts.ffmpegPath ?? "ffmpeg", args, {
    stdio: ["ignore", "pipe", "pipe"],
    signal: opts.signal,
  });
  let buf = new Uint8Array(1 << 20);
  let len = 0;
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    if (len + chunk.length > buf.length) {
      const next = new Uint8Array(Math.max(buf.length * 2, len + chunk.length));
      next.set(buf.subarray(0, len));
      buf = next;
    }
    buf.set(chunk, len);
    len += chunk.length;
  });
  child.stderr.on("data", (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    throw new Error(
      `ffmpeg could not decode ${inputPath} (exit ${code}): ${stderr.trim().split("\n").slice(-2).join(" ") || "no output"}`,
    );
  }
  const usable = len - (len % 4);
  if (usable === 0) throw new Error(`${inputPath} has no decodable audio samples`);
  const aligned = new Uint8Array(usable);
  aligned.set(buf.subarray(0, usable));
  return { sampleRate, samples: new Float32Array(aligned.buffer) };
}
