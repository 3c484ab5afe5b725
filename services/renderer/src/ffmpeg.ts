// ffmpeg processes for the render: chunk encoders (video only, MPEG-TS) and the final mux,
// started through the one child-process runner (@efs/core/proc/run).
import type { Writable } from "node:stream";
import { startChild } from "@efs/core/proc/run";
import { avcLevel } from "./page/avc-level";
import type { VideoEncoder } from "./settings";

export interface FfmpegRun {
  /** Frames in (closed by the caller when the last one is written). */
  stdin: Writable;
  /** Stops ffmpeg (SIGKILL to its process group). */
  kill(): void;
  done: Promise<void>;
}

// Starts ffmpeg (`ffmpegPath`, default `ffmpeg` on PATH); `done` rejects with the last stderr
// lines on a non-zero exit. An abort stops it at once (SIGKILL, no grace: the output is
// discarded anyway).
export function runFfmpeg(
  args: string[],
  o: { ffmpegPath?: string; signal?: AbortSignal } = {},
): FfmpegRun {
  const run = startChild(
    o.ffmpegPath ?? "ffmpeg",
    ["-hide_banner", "-nostats", "-v", "error", "-y", ...args],
    {
      signal: o.signal,
      killGraceMs: 0,
      maxBuffer: 4000,
      installHint: "apt-get install ffmpeg",
    },
  );
  const done = run.result.then((res) => {
    if (res.exitCode === 0) return;
    const tail = res.stderr.trim().split("\n").slice(-3).join(" | ");
    throw new Error(`ffmpeg failed (${res.signal ?? `exit ${res.exitCode}`}): ${tail}`);
  });
  return { stdin: run.stdin, kill: () => run.kill("SIGKILL"), done };
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
  /** libx264 (default) or h264_nvenc (EFS_VIDEO_ENCODER on GPUs with NVENC, settings.ts). */
  encoder?: VideoEncoder;
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

// Rate control: the target bitrate with a VBV of 1.5× peak rate and a 2 s-at-target buffer.
export function vbv(videoKbps: number): { maxKbps: number; bufKbit: number } {
  return { maxKbps: Math.round(videoKbps * 1.5), bufKbit: videoKbps * 2 };
}

// The level a chunk declares: the smallest that holds its size, frame rate and VBV.
export function chunkLevel(o: Pick<ChunkEncodeOptions, "width" | "height" | "fps" | "videoKbps">) {
  const l = avcLevel({ width: o.width, height: o.height, fps: o.fps, ...vbv(o.videoKbps) });
  if (!l) {
    throw new Error(
      `${o.width}×${o.height} at ${o.fps} fps and ${o.videoKbps} kb/s exceeds H.264 level 6.2, the largest there is; render a smaller size`,
    );
  }
  return l;
}

function encoderArgs(o: ChunkEncodeOptions, levelIdc: number): string[] {
  if (o.encoder === "h264_nvenc")
    return ["-c:v", "h264_nvenc", "-preset", "p5", "-profile:v", "high", "-rc", "vbr"];
  // superfast + deblocking one step stronger, measured on the dark sky against veryfast (the
  // old preset): macroblock-edge ratio 1.21 / 1.33 (1080p / 4K) instead of 1.31 / 1.43, PSNR
  // 0.4–0.6 dB lower at 55–59 dB, and a half to a quarter of the encode time, which on a CPU
  // box is drawing time (docs/rendering.md "Encoding").
  // Level 6 allows vertical motion vectors of ±8192 px, but headset decoders (Quest) only handle
  // level 5.2's ±512: keep to that (Oculus's encoding guidance for >4K H.264; docs/rendering.md).
  const params = ["open-gop=0", "deblock=1,1", ...(levelIdc >= 60 ? ["mvrange=511"] : [])];
  return [
    "-c:v",
    "libx264",
    "-preset",
    o.x264Preset ?? "superfast",
    "-profile:v",
    "high",
    "-x264-params",
    params.join(":"),
  ];
}

// Arguments for one video-only MPEG-TS chunk: the in-page H.264 bitstream copied as is, or raw
// yuv420p frames (BT.709 limited range, rows top-down, converted in the page) encoded with
// libx264 High at the level that fits (declared with -level) and tagged BT.709.
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
  const { maxKbps, bufKbit } = vbv(k);
  const level = chunkLevel(o);
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
    ...[...encoderArgs(o, level.idc), "-pix_fmt", "yuv420p", ...BT709_TAGS],
    ...["-level:v", (level.idc / 10).toFixed(1)],
    ...["-b:v", `${k}k`, "-maxrate", `${maxKbps}k`, "-bufsize", `${bufKbit}k`],
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
