// The render's thumbnail: a JPEG of a representative frame, never the first one (the flame
// has not built up yet). Candidates are keyframes spread over the video (10–90 % of its
// length; a keyframe decodes on its own, cheap even at 8K); the one at the upper quartile of
// brightness wins,
// so neither a dark lull nor a beat's flash becomes the picture. 360° renders show the front
// view (the centre of the equirect, left eye of a stereo pair) rather than the whole panorama.
import type { RenderFormat } from "@efs/core/formats";
import { runChild } from "@efs/core/proc/run";

/** Most keyframes scored. */
const CANDIDATES = 12;
/** Longest side of the thumbnail, in pixels. */
const THUMBNAIL_SIZE = 640;

// Runs ffmpeg/ffprobe to the end; a failure (not installed, non-zero exit, cancelled) throws
// ChildError with the program's last stderr lines. `binary` collects stdout as bytes.
async function exec(
  cmd: string,
  args: string[],
  o: { signal?: AbortSignal; maxBuffer?: number; binary?: boolean },
): Promise<{ stdout: string; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  const res = await runChild(cmd, args, {
    signal: o.signal,
    maxBuffer: o.maxBuffer,
    reject: true,
    killGraceMs: 0,
    installHint: "apt-get install ffmpeg",
    ...(o.binary ? { onStdout: (d: Buffer) => chunks.push(d) } : {}),
  });
  return { stdout: res.stdout, bytes: Buffer.concat(chunks) };
}

// The container's duration in seconds (ffprobe).
export async function probeDuration(video: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await exec(
    "ffprobe",
    ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", video],
    { signal },
  );
  const d = Number(stdout.trim());
  if (!(d > 0)) throw new Error(`ffprobe found no duration in ${video}`);
  return d;
}

// The crop that shows what a viewer sees first: the whole frame, or a 16:9 front view of a
// 360° frame (90° wide, at the centre; the top half first when the pair is stacked).
export function viewFilter(format: Pick<RenderFormat, "projection" | "stereo">): string {
  const eye = format.stereo === "top-bottom" ? "crop=iw:ih/2:0:0," : "";
  if (format.projection !== "equirect") return eye;
  return `${eye}crop=trunc(iw/8)*2:trunc(iw*9/128)*2:(iw-trunc(iw/8)*2)/2:(ih-trunc(iw*9/128)*2)/2,`;
}

// Mean luma (0–255) of the keyframe at or before `timeSec`, decoded at a small size.
async function keyframeLuma(
  ffmpegPath: string,
  video: string,
  timeSec: number,
  crop: string,
  signal?: AbortSignal,
): Promise<number | null> {
  const { bytes } = await exec(
    ffmpegPath,
    [
      "-hide_banner",
      "-v",
      "error",
      "-noaccurate_seek",
      "-ss",
      timeSec.toFixed(3),
      "-skip_frame",
      "nokey",
      "-i",
      video,
      "-frames:v",
      "1",
      "-vf",
      `${crop}scale=64:-2,format=gray`,
      "-f",
      "rawvideo",
      "pipe:1",
    ],
    { binary: true, signal },
  );
  if (bytes.length === 0) return null;
  let sum = 0;
  for (const v of bytes) sum += v;
  return sum / bytes.length;
}

// Keyframe times of the video stream (from packet flags: no decoding).
async function keyframeTimes(video: string, signal?: AbortSignal): Promise<number[]> {
  const { stdout } = await exec(
    "ffprobe",
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "packet=pts_time,flags",
      "-of",
      "csv=p=0",
      video,
    ],
    { maxBuffer: 64 << 20, signal },
  );
  return stdout
    .split("\n")
    .filter((l) => l.includes("K"))
    .map((l) => Number(l.split(",")[0]))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
}

// Picks the thumbnail's time: among keyframes after the first (spread over 10–90 % of the
// video), the one at the upper quartile of brightness; null when the video has only its
// first keyframe (then the middle frame is used).
export async function representativeTime(
  video: string,
  durationSec: number,
  format: Pick<RenderFormat, "projection" | "stereo">,
  o: { ffmpegPath: string; signal?: AbortSignal },
): Promise<number | null> {
  const { ffmpegPath, signal } = o;
  const crop = viewFilter(format);
  const keys = (await keyframeTimes(video, signal)).filter((t) => t > 0);
  const inRange = keys.filter((t) => t >= durationSec * 0.1 && t <= durationSec * 0.9);
  const pool = inRange.length > 0 ? inRange : keys;
  if (pool.length === 0) return null;
  const picks = new Set(
    Array.from({ length: Math.min(CANDIDATES, pool.length) }, (_, i) =>
      Math.round((i * (pool.length - 1)) / Math.max(1, Math.min(CANDIDATES, pool.length) - 1)),
    ),
  );
  const scored: Array<{ t: number; luma: number }> = [];
  for (const i of picks) {
    const t = pool[i]!;
    const luma = await keyframeLuma(ffmpegPath, video, t, crop, signal);
    if (luma !== null) scored.push({ t, luma });
  }
  if (scored.length === 0) return null;
  scored.sort((a, b) => a.luma - b.luma);
  return scored[Math.floor((scored.length - 1) * 0.75)]!.t;
}

// Writes `out` (JPEG, longest side THUMBNAIL_SIZE) from a representative frame of `video`.
export async function writeThumbnail(
  video: string,
  out: string,
  o: {
    durationSec: number;
    format: Pick<RenderFormat, "projection" | "stereo">;
    /** The ffmpeg program (RendererSettings.ffmpegPath). */
    ffmpegPath: string;
    signal?: AbortSignal;
  },
): Promise<{ timeSec: number }> {
  const key = await representativeTime(video, o.durationSec, o.format, o);
  const timeSec = key ?? o.durationSec / 2;
  const fit = `scale='if(gte(iw,ih),${THUMBNAIL_SIZE},-2)':'if(gte(iw,ih),-2,${THUMBNAIL_SIZE})'`;
  // A keyframe decodes alone; the middle-frame fallback (short videos) decodes up to it.
  const seek = key === null ? [] : ["-noaccurate_seek"];
  const skip = key === null ? [] : ["-skip_frame", "nokey"];
  await exec(
    o.ffmpegPath,
    [
      "-hide_banner",
      "-v",
      "error",
      "-y",
      ...seek,
      "-ss",
      timeSec.toFixed(3),
      ...skip,
      "-i",
      video,
      "-frames:v",
      "1",
      "-vf",
      `${viewFilter(o.format)}${fit}`,
      "-q:v",
      "3",
      out,
    ],
    { signal: o.signal },
  );
  return { timeSec };
}
