// ffmpeg processes for the render: chunk encoders (video only, MPEG-TS) and the final mux.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

export interface FfmpegRun {
  child: ChildProcessWithoutNullStreams;
  done: Promise<void>;
}

// Spawns ffmpeg; `done` rejects with the last stderr lines on a non-zero exit.
export function runFfmpeg(args: string[], signal?: AbortSignal): FfmpegRun {
  const child = spawn(
    process.env.EFS_FFMPEG_PATH ?? "ffmpeg",
    ["-hide_banner", "-nostats", "-v", "error", "-y", ...args],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.stdout.resume();
  child.stdin.on("error", () => {});
  const onAbort = () => child.kill("SIGKILL");
  signal?.addEventListener("abort", onAbort, { once: true });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, sig) => {
      signal?.removeEventListener("abort", onAbort);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `ffmpeg failed (${sig ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
    });
  });
  return { child, done };
}

export interface ChunkEncodeOptions {
  input: "h264" | "i420";
  /** Size of the encoded picture (stacked height for top-bottom stereo). */
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
  gop: number;
  /** First frame index: the chunk's timestamps start at from/fps so chunks concatenate. */
  from: number;
  out: string;
  x264Preset?: string;
  /** libx264 (default) or h264_nvenc ($EFS_VIDEO_ENCODER on GPUs with NVENC). */
  encoder?: string;
}

const BT709_TAGS = [
  "-color_range",
  "tv",
  "-colorspace",
  "bt709",
  "-color_primaries",
  "bt709",
  "-color_trc",
  "bt709",
];

function encoderArgs(o: ChunkEncodeOptions): string[] {
  if (o.encoder === "h264_nvenc")
    return ["-c:v", "h264_nvenc", "-preset", "p5", "-profile:v", "high", "-rc", "vbr"];
  return [
    "-c:v",
    "libx264",
    "-preset",
    o.x264Preset ?? "veryfast",
    "-profile:v",
    "high",
    "-x264-params",
    "open-gop=0",
  ];
}

// Arguments for one video-only MPEG-TS chunk: the in-page H.264 bitstream copied as is, or raw
// yuv420p frames (BT.709 limited range, rows top-down, converted in the page) encoded with
// libx264 High and tagged BT.709.
export function chunkArgs(o: ChunkEncodeOptions): string[] {
  const ts = [
    "-output_ts_offset",
    (o.from / o.fps).toFixed(6),
    "-muxdelay",
    "0",
    "-muxpreload",
    "0",
    "-f",
    "mpegts",
    o.out,
  ];
  if (o.input === "h264") {
    return ["-f", "h264", "-framerate", String(o.fps), "-i", "pipe:0", "-c:v", "copy", ...ts];
  }
  const k = o.videoKbps;
  return [
    ...[
      "-f",
      "rawvideo",
      "-pix_fmt",
      "yuv420p",
      "-s",
      `${o.width}x${o.height}`,
      "-framerate",
      String(o.fps),
      "-i",
      "pipe:0",
    ],
    ...[...encoderArgs(o), "-pix_fmt", "yuv420p", ...BT709_TAGS],
    ...["-b:v", `${k}k`, "-maxrate", `${Math.round(k * 1.5)}k`, "-bufsize", `${k * 2}k`],
    ...["-g", String(o.gop), "-keyint_min", String(o.gop), "-sc_threshold", "0", "-bf", "2"],
    ...ts,
  ];
}

export interface MuxOptions {
  chunks: string[];
  /** The source audio, or an .m4a from audioArgs (`encoded`), copied as is. */
  audio: { path: string; encoded: boolean };
  /** Trim the audio to this many seconds (the rendered duration; not for `encoded`). */
  durationSec?: number;
  out: string;
}

const AAC = ["-c:a", "aac", "-b:a", "384k", "-ar", "48000", "-ac", "2"];
const trim = (durationSec?: number) =>
  durationSec !== undefined ? ["-t", durationSec.toFixed(6)] : [];

// Encodes the soundtrack once, ahead of the mux (it runs while frames are drawn): AAC-LC
// 48 kHz 384 kb/s stereo in an .m4a, trimmed to the rendered duration.
export function audioArgs(o: { audioPath: string; durationSec?: number; out: string }): string[] {
  return [
    ...[...trim(o.durationSec), "-i", o.audioPath, "-map", "0:a:0", "-vn"],
    ...[...AAC, "-f", "mp4", o.out],
  ];
}

// Joins chunks with the concat protocol (-c copy) and muxes the audio once (encoding it
// here unless it already is), moov first (+faststart).
export function muxArgs(o: MuxOptions): string[] {
  const audioIn = o.audio.encoded
    ? ["-i", o.audio.path]
    : [...trim(o.durationSec), "-i", o.audio.path];
  return [
    ...["-i", `concat:${o.chunks.join("|")}`, ...audioIn],
    ...["-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy"],
    ...(o.audio.encoded ? ["-c:a", "copy"] : AAC),
    ...["-movflags", "+faststart", "-f", "mp4", o.out],
  ];
}
