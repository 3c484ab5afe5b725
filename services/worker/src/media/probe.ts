// ffprobe: what a file really contains (containers lie about extensions).

import { ChildError } from "@efs/core/proc/errors";
import { runChild } from "@efs/core/proc/run";
import { PermanentJobError } from "../errors";

export interface MediaInfo {
  formatName: string;
  durationSec: number;
  hasVideo: boolean;
  audio: { codec: string; sampleRate: number; channels: number; bitRate: number | null } | null;
}

interface ProbeJson {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    sample_rate?: string;
    channels?: number;
    bit_rate?: string;
    duration?: string;
    disposition?: { attached_pic?: number };
  }>;
}

const TEXT_ART_CODECS = new Set(["ansi", "bintext", "xbin", "idf"]);

// Probes a local file; a file ffprobe cannot read is a PermanentJobError naming the cause.
export async function probeMedia(path: string, signal?: AbortSignal): Promise<MediaInfo> {
  let stdout: string;
  try {
    ({ stdout } = await runChild(
      "ffprobe",
      ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
      { signal, timeoutMs: 60_000, reject: true, killGraceMs: 0 },
    ));
  } catch (e) {
    if (e instanceof ChildError && e.ranAndFailed) {
      const why = e.stderrTail.trim().split("\n").pop()?.replace(path, "input") ?? "";
      throw new PermanentJobError(
        `the file is not readable audio or video (ffprobe: ${why || "unknown format"})`,
      );
    }
    throw e;
  }
  const json = JSON.parse(stdout) as ProbeJson;
  const streams = json.streams ?? [];
  // Random bytes still "probe": as an MP3 or FLAC stream with no sample rate and no channels,
  // or as a text-art "video" (ffmpeg's tty/bintext demuxers read any file). Neither is media.
  const a = streams.find(
    (s) => s.codec_type === "audio" && Number(s.sample_rate ?? 0) > 0 && (s.channels ?? 0) > 0,
  );
  const hasVideo = streams.some(
    (s) =>
      s.codec_type === "video" &&
      !s.disposition?.attached_pic &&
      !TEXT_ART_CODECS.has(s.codec_name ?? ""),
  );
  if (!a && !hasVideo) {
    throw new PermanentJobError(
      streams.length > 0
        ? "the file is not readable audio or video (ffprobe found no stream it can decode)"
        : "the file is not readable audio or video (ffprobe found no audio or video stream)",
    );
  }
  const duration = Number(json.format?.duration ?? a?.duration ?? Number.NaN);
  return {
    formatName: json.format?.format_name ?? "unknown",
    durationSec: Number.isFinite(duration) ? duration : 0,
    hasVideo,
    audio: a
      ? {
          codec: a.codec_name ?? "unknown",
          sampleRate: Number(a.sample_rate ?? 0),
          channels: a.channels ?? 0,
          bitRate: a.bit_rate ? Number(a.bit_rate) : null,
        }
      : null,
  };
}
