// The smoke test's audio: a few seconds of tones made by ffmpeg on the spot (no network, no
// shipped files), different each run so a cached ingest cannot hide a broken pipeline.
import { join } from "node:path";
import { runChild } from "@efs/core/proc/run";

// Writes a `seconds`-long stereo 48 kHz WAV into `dir` and returns its path.
export async function makeTestAudio(dir: string, seconds: number): Promise<string> {
  const file = join(dir, "efs-smoke.wav");
  const freq = 220 + Math.floor(Math.random() * 440);
  await runChild(
    "ffmpeg",
    [
      "-nostdin",
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${freq}:sample_rate=48000:duration=${seconds}`,
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${freq * 1.5}:sample_rate=48000:duration=${seconds}`,
      "-filter_complex",
      "[0:a][1:a]amerge=inputs=2,volume=0.5[a]",
      "-map",
      "[a]",
      "-ac",
      "2",
      "-y",
      file,
    ],
    { timeoutMs: 60_000, reject: true },
  );
  return file;
}

/** What ffprobe found in a downloaded render. */
export interface MediaInfo {
  readonly video: { codec: string; width: number; height: number } | null;
  readonly audio: { codec: string } | null;
  readonly durationSec: number;
}

// ffprobe's view of `file` (streams and duration).
export async function probeMedia(file: string): Promise<MediaInfo> {
  const { stdout } = await runChild(
    "ffprobe",
    ["-v", "error", "-show_streams", "-show_format", "-of", "json", file],
    { timeoutMs: 60_000, reject: true },
  );
  const j = JSON.parse(stdout) as {
    streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number }>;
    format?: { duration?: string };
  };
  const v = j.streams?.find((s) => s.codec_type === "video");
  const a = j.streams?.find((s) => s.codec_type === "audio");
  return {
    video: v ? { codec: v.codec_name ?? "?", width: v.width ?? 0, height: v.height ?? 0 } : null,
    audio: a ? { codec: a.codec_name ?? "?" } : null,
    durationSec: Number(j.format?.duration ?? 0),
  };
}
