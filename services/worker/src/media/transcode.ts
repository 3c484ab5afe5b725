// ffmpeg renditions of a prepared input: normalized master and browser streaming copy.
import { runChild } from "@efs/core/proc/run";

const BASE = ["-hide_banner", "-nostdin", "-v", "error", "-y"];

// 48 kHz 16-bit PCM WAV master (mono stays mono, more than 2 channels folds to stereo).
export async function toMasterWav(
  input: string,
  output: string,
  channels: number,
  signal?: AbortSignal,
): Promise<void> {
  const ac = channels >= 2 ? "2" : "1";
  await runChild(
    "ffmpeg",
    [
      ...BASE,
      "-i",
      input,
      "-vn",
      "-map",
      "0:a:0",
      "-ac",
      ac,
      "-ar",
      "48000",
      "-c:a",
      "pcm_s16le",
      output,
    ],
    { signal, timeoutMs: 10 * 60_000, reject: true, killGraceMs: 0 },
  );
}

// AAC-in-MP4 with the moov atom first, so a browser can start playing before the end.
export async function toStreamM4a(
  input: string,
  output: string,
  signal?: AbortSignal,
): Promise<void> {
  await runChild(
    "ffmpeg",
    [
      ...BASE,
      "-i",
      input,
      "-vn",
      "-map",
      "0:a:0",
      "-c:a",
      "aac",
      "-b:a",
      "160k",
      "-ar",
      "48000",
      "-movflags",
      "+faststart",
      output,
    ],
    { signal, timeoutMs: 10 * 60_000, reject: true, killGraceMs: 0 },
  );
}
