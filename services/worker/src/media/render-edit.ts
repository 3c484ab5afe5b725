// Renders an edit recipe with ffmpeg: one pass, or two-pass EBU R128 loudnorm (measure, then
// apply the measured values with linear=true) when asked.

import type { EditClip } from "@efs/core/jobs/payloads";
import { runChild } from "@efs/core/proc/run";
import { LOUDNORM, recipeFilter } from "./recipe";

const BASE = ["-hide_banner", "-nostdin", "-y"];
const TARGET = `I=${LOUDNORM.I}:TP=${LOUDNORM.TP}:LRA=${LOUDNORM.LRA}`;

export type EditOutput = "mp3-preview" | "wav" | "m4a";

const CODEC: Record<EditOutput, string[]> = {
  "mp3-preview": ["-c:a", "libmp3lame", "-b:a", "128k", "-ar", "44100"],
  wav: ["-c:a", "pcm_s16le", "-ar", "48000"],
  m4a: ["-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-movflags", "+faststart"],
};

interface Measured {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

// First loudnorm pass: measures the edit's loudness (printed as JSON on stderr).
async function measure(input: string, clips: Required<EditClip>[], signal?: AbortSignal) {
  const graph = recipeFilter(clips, `loudnorm=${TARGET}:print_format=json`);
  const { stderr } = await runChild(
    "ffmpeg",
    [
      ...BASE,
      "-v",
      "info",
      "-i",
      input,
      "-filter_complex",
      graph,
      "-map",
      "[out]",
      "-f",
      "null",
      "-",
    ],
    { signal, timeoutMs: 10 * 60_000, reject: true, killGraceMs: 0 },
  );
  const json = stderr.slice(stderr.lastIndexOf("{"), stderr.lastIndexOf("}") + 1);
  return JSON.parse(json) as Measured;
}

// Writes the edit of `input` to `output`; normalize=true runs the two-pass loudnorm
// (single-pass dynamic loudnorm for previews, where speed matters more).
export async function renderEdit(
  input: string,
  output: string,
  clips: Required<EditClip>[],
  opts: { kind: EditOutput; normalize: boolean; signal?: AbortSignal },
): Promise<void> {
  let tail = "";
  if (opts.normalize && opts.kind !== "mp3-preview") {
    const m = await measure(input, clips, opts.signal);
    tail =
      `loudnorm=${TARGET}:measured_I=${m.input_i}:measured_TP=${m.input_tp}` +
      `:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true`;
  } else if (opts.normalize) {
    tail = `loudnorm=${TARGET}`;
  }
  const graph = recipeFilter(clips, tail);
  await runChild(
    "ffmpeg",
    [
      ...BASE,
      "-v",
      "error",
      "-i",
      input,
      "-filter_complex",
      graph,
      "-map",
      "[out]",
      ...CODEC[opts.kind],
      output,
    ],
    { signal: opts.signal, timeoutMs: 10 * 60_000, reject: true, killGraceMs: 0 },
  );
}
