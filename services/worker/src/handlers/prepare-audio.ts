// Shared by ingest and save: from one validated local audio file, produce the prepared item
// (48 kHz master, browser stream, peaks, metadata, per-frame features) in storage.
import { join } from "node:path";
import { analyzeAudio } from "@efs/core/audio/analyze";
import type { IngestResult } from "@efs/core/jobs/payloads";
import { ChildError } from "@efs/core/proc/errors";
import { PermanentJobError } from "../errors";
import { computePeaks } from "../media/peaks";
import { type MediaInfo, probeMedia } from "../media/probe";
import { toMasterWav, toStreamM4a } from "../media/transcode";
import { putFile, putJson } from "../storage-io";
import type { JobRun, WorkerDeps } from "./types";

/** Frame rate the features are computed at during ingest (renders at other rates recompute). */
export const INGEST_FEATURES_FPS = 30;

// Rejects input that is not usable audio, with a reason the user can act on.
export function checkAudio(info: MediaInfo, maxDurationSec: number): void {
  if (!info.audio) {
    throw new PermanentJobError(
      info.hasVideo ? "the video has no audio track" : "the file contains no audio stream",
    );
  }
  if (!(info.durationSec > 0.01)) throw new PermanentJobError("the audio is empty (zero length)");
  if (info.durationSec > maxDurationSec) {
    throw new PermanentJobError(
      `the audio is too long: ${fmt(info.durationSec)} (limit ${fmt(maxDurationSec)}, INGEST_MAX_DURATION_SEC)`,
    );
  }
}

function fmt(sec: number): string {
  const s = Math.round(sec);
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return hms.map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, "0"))).join(":");
}

// Turns ffmpeg failures on user media into a readable permanent error.
export async function decoding<T>(
  what: string,
  fn: () => Promise<T>,
  describe = (why: string) => `could not ${what} (ffmpeg: ${why})`,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ChildError && e.ranAndFailed) {
      const last = e.stderrTail.trim().split("\n").pop() ?? "";
      throw new PermanentJobError(describe(last || "decode error"));
    }
    throw e;
  }
}

export interface PrepareInput {
  id: string;
  title: string;
  /** The validated source file (any container ffmpeg reads). */
  sourcePath: string;
  info: MediaInfo;
  keys: { original?: string };
  /** Master rendition: 48 kHz WAV (default) or AAC M4A. */
  masterFormat?: "wav" | "m4a";
}

// Writes every rendition under audio/<id>/ and returns the ingest/save result.
export async function prepareAudio(
  input: PrepareInput,
  deps: WorkerDeps,
  run: JobRun,
): Promise<IngestResult> {
  const { storage } = deps;
  const { signal, tmpDir } = run;
  const base = `audio/${input.id}`;
  const wav = join(tmpDir, "master.wav");
  const m4a = join(tmpDir, "stream.m4a");
  const channels = input.info.audio?.channels ?? 2;

  await run.progress({ stage: "transcode", percent: 20 });
  // The source's first full decode: noise can pass ffprobe (it finds MP3 frame syncs in it)
  // and fail here, which says the same as a failed probe.
  await decoding(
    "decode the audio",
    () => toMasterWav(input.sourcePath, wav, channels, signal),
    (why) => `the file is not readable audio or video (ffmpeg: ${why})`,
  );
  const master = await probeMedia(wav, signal);
  // The source claimed a length (checkAudio) but nothing decoded: damaged or not audio at all.
  if (!(master.durationSec > 0.01)) {
    throw new PermanentJobError(
      "the file is not readable audio: no sound could be decoded from it (damaged, or not an audio file)",
    );
  }
  await decoding("encode the streaming copy", () => toStreamM4a(wav, m4a, signal));

  await run.progress({ stage: "analyse", percent: 50 });
  const peaks = await computePeaks(wav, master.durationSec, 1000, signal);
  const { features } = await analyzeAudio(wav, {
    fps: INGEST_FEATURES_FPS,
    cacheDir: false,
    signal,
  });

  await run.progress({ stage: "upload", percent: 80 });
  const masterKey = input.masterFormat === "m4a" ? `${base}/master.m4a` : `${base}/master.wav`;
  const keys = {
    ...input.keys,
    master: masterKey,
    stream: `${base}/stream.m4a`,
    peaks: `${base}/peaks.json`,
    features: `${base}/features-${INGEST_FEATURES_FPS}fps.json`,
    metadata: `${base}/metadata.json`,
  };
  if (input.masterFormat === "m4a") await putFile(storage, masterKey, m4a, "audio/mp4", signal);
  else await putFile(storage, masterKey, wav, "audio/wav", signal);
  await putFile(storage, keys.stream, m4a, "audio/mp4", signal);
  await putJson(storage, keys.peaks, peaks, signal);
  await putJson(storage, keys.features, features, signal);
  const audio = input.info.audio!;
  const metadata = {
    title: input.title,
    durationSec: round3(master.durationSec),
    sampleRate: audio.sampleRate,
    channels: audio.channels,
    codec: audio.codec,
    container: input.info.formatName,
    hadVideo: input.info.hasVideo,
    master: {
      sampleRate: 48_000,
      channels: master.audio?.channels ?? channels,
      codec: "pcm_s16le",
    },
  };
  await putJson(storage, keys.metadata, metadata, signal);
  return {
    title: input.title,
    durationSec: metadata.durationSec,
    sampleRate: audio.sampleRate,
    channels: audio.channels,
    codec: audio.codec,
    keys,
    featuresFps: INGEST_FEATURES_FPS,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
