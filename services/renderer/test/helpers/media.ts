// Test helpers: generated audio, ffprobe, and the MP4 top-level box order.
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readSync, statSync } from "node:fs";

// Writes a WAV made by ffmpeg's aevalsrc (default: a bass pulse with a tone).
export function makeAudio(
  path: string,
  seconds: number,
  rate = 48_000,
  expr = "0.5*sin(2*PI*55*t)*exp(-6*mod(t,0.5))+0.2*sin(2*PI*660*t)",
): string {
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `aevalsrc='${expr}':s=${rate}:d=${seconds}`,
    path,
  ]);
  return path;
}

export interface Probe {
  video: {
    codec_name: string;
    profile: string;
    width: number;
    height: number;
    pix_fmt: string;
    color_range?: string;
    color_space?: string;
    nb_frames?: string;
    duration: string;
    side_data_list?: Array<Record<string, unknown>>;
  };
  audio:
    | { codec_name: string; sample_rate: string; channels: number; duration: string }
    | undefined;
  durationSec: number;
}

// ffprobe's view of a file's first video and audio streams.
export function probe(path: string): Probe {
  const out = execFileSync("ffprobe", [
    "-v",
    "error",
    "-show_streams",
    "-show_format",
    "-of",
    "json",
    path,
  ]).toString();
  const j = JSON.parse(out) as {
    streams: Array<Record<string, unknown>>;
    format: { duration: string };
  };
  const video = j.streams.find((s) => s.codec_type === "video") as unknown as Probe["video"];
  const audio = j.streams.find((s) => s.codec_type === "audio") as unknown as Probe["audio"];
  return { video, audio, durationSec: Number(j.format.duration) };
}

// Top-level box types in file order, read from the box headers (independent of src/mp4).
export function topLevelTypes(path: string): string[] {
  const size = statSync(path).size;
  const fd = openSync(path, "r");
  const h = Buffer.alloc(16);
  const types: string[] = [];
  try {
    let off = 0;
    while (off + 8 <= size) {
      readSync(fd, h, 0, 16, off);
      let n = h.readUInt32BE(0);
      if (n === 1) n = Number(h.readBigUInt64BE(8));
      if (n === 0) n = size - off;
      types.push(h.toString("latin1", 4, 8));
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  return types;
}

// Decoded frames of a video as one RGBA buffer per frame.
export function decodeFrames(path: string, width: number, height: number): Buffer[] {
  const raw = execFileSync(
    "ffmpeg",
    ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"],
    { maxBuffer: 1 << 30 },
  );
  const n = width * height * 4;
  return Array.from({ length: Math.floor(raw.length / n) }, (_, i) =>
    raw.subarray(i * n, (i + 1) * n),
  );
}

// An image file (JPEG, PNG) decoded to RGBA.
export function decodeImage(path: string, width: number, height: number): Buffer {
  const [frame] = decodeFrames(path, width, height);
  if (!frame) throw new Error(`could not decode ${path} as a ${width}×${height} image`);
  return frame;
}

// Mean BT.709 luma (0–255) of an RGBA buffer.
export function meanLuma(rgba: Buffer): number {
  let sum = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    sum += 0.2126 * rgba[i]! + 0.7152 * rgba[i + 1]! + 0.0722 * rgba[i + 2]!;
  }
  return sum / (rgba.length / 4);
}
