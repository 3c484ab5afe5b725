// Turns a validated create request into a job row, checking what only the server knows:
// that the upload exists and fits, that the audio is ready, that times fit the track.

import { RENDER_FORMATS, type RenderFormatName } from "@efs/core/formats";
import { newId } from "@efs/core/jobs/ids";
import type {
  EditRecipe,
  IngestPayload,
  PreviewPayload,
  RenderPayload,
  SavePayload,
} from "@efs/core/jobs/payloads";
import type { Job } from "@efs/core/jobs/types";
import { defaultQuality } from "@efs/core/quality";
import { isPresetId, PRESET_IDS, resolveVisualConfig } from "@efs/visual/presets";
import { ApiError } from "../api/errors";
import type { WebContext } from "../context";
import { MAX_UPLOAD_BYTES } from "../limits";
import { uploadIdOf } from "../uploads";
import { type AudioItem, audioDuration, requireAudio } from "./audio";
import { renderTitle } from "./render-names";
import type { CreateJobRequest } from "./schemas";
import { titleOf } from "./view";

/** Seconds a clip or render may run past the recorded duration (rounding in probes). */
const DURATION_SLACK_SEC = 0.5;

// Creates the job; `created` is false when an identical upload was already confirmed.
export async function createJob(
  ctx: WebContext,
  req: CreateJobRequest,
): Promise<{ job: Job; created: boolean }> {
  switch (req.type) {
    case "ingest":
      return req.source.kind === "upload"
        ? confirmUpload(ctx, req.source.key, req.title)
        : fresh(ctx, "ingest", {
            source: { kind: "url", url: req.source.url },
            ...title(req.title),
          });
    case "preview": {
      const audio = await requireAudio(ctx.jobs, req.audioId);
      checkRecipe(audio, req.recipe);
      const payload: PreviewPayload = { audioId: req.audioId, recipe: req.recipe };
      return fresh(ctx, "preview", payload);
    }
    case "save": {
      const audio = await requireAudio(ctx.jobs, req.audioId);
      checkRecipe(audio, req.recipe);
      const payload: SavePayload = {
        audioId: req.audioId,
        recipe: req.recipe,
        format: req.format,
        title: req.title ?? `${audio.result.title ?? "Audio"} (edited)`,
      };
      return fresh(ctx, "save", payload);
    }
    case "render": {
      checkVisual(req.preset, req.visual);
      const audio = await requireAudio(ctx.jobs, req.audioId);
      const total = audioDuration(audio);
      if (req.durationSec != null && total > 0 && req.durationSec > total + DURATION_SLACK_SEC) {
        throw new ApiError(
          400,
          "bad_request",
          `durationSec: ${req.durationSec} s is longer than the track (${total.toFixed(1)} s); leave it empty to render the whole track.`,
        );
      }
      const payload: RenderPayload = {
        audioId: req.audioId,
        title: renderTitle(titleOf(audio.job), req.preset, req.format),
        preset: req.preset,
        format: req.format as RenderPayload["format"],
        fps: req.fps as RenderPayload["fps"],
        // Recorded, so the UI can say which quality the render uses.
        quality: req.quality ?? defaultQuality(RENDER_FORMATS[req.format as RenderFormatName]),
        durationSec: req.durationSec ?? null,
        ...(req.visual ? { visual: req.visual } : {}),
      };
      return fresh(ctx, "render", payload);
    }
  }
}

async function fresh(
  ctx: WebContext,
  type: Job["type"],
  payload: IngestPayload | PreviewPayload | SavePayload | RenderPayload,
): Promise<{ job: Job; created: boolean }> {
  const job = await ctx.jobs.create({
    id: newId(),
    type,
    payload: payload as unknown as Record<string, unknown>,
  });
  return { job, created: true };
}

function title(t: string | undefined): { title?: string } {
  return t ? { title: t } : {};
}

// An upload is confirmed once: its ingest job id is derived from the upload id.
async function confirmUpload(
  ctx: WebContext,
  key: string,
  userTitle: string | undefined,
): Promise<{ job: Job; created: boolean }> {
  const id = uploadIdOf(key);
  if (!id) {
    throw new ApiError(
      400,
      "bad_request",
      "source.key: not an upload key; use the key returned by POST /api/uploads.",
    );
  }
  const existing = await ctx.jobs.get(id);
  if (existing) return { job: existing, created: false };
  const info = await ctx.storage.stat(key);
  if (!info) {
    throw new ApiError(
      409,
      "conflict",
      "The upload has not arrived yet: PUT the file to the signed URL from POST /api/uploads, then confirm.",
    );
  }
  if (info.size === 0) {
    await ctx.storage.delete(key);
    throw new ApiError(
      400,
      "bad_request",
      "The uploaded file is empty; choose a file with audio in it.",
    );
  }
  if (info.size > MAX_UPLOAD_BYTES) {
    await ctx.storage.delete(key);
    throw new ApiError(
      413,
      "payload_too_large",
      `The upload is larger than ${MAX_UPLOAD_BYTES} bytes.`,
    );
  }
  const filename = decodeURIComponent(key.slice(key.lastIndexOf("/") + 1));
  const payload: IngestPayload = {
    source: {
      kind: "upload",
      key,
      filename,
      contentType: info.contentType ?? "application/octet-stream",
      size: info.size,
    },
    ...title(userTitle ?? filename.replace(/\.[^.]+$/, "")),
  };
  const job = await ctx.jobs.create({
    id,
    type: "ingest",
    payload: payload as unknown as Record<string, unknown>,
  });
  return { job, created: true };
}

function checkRecipe(audio: AudioItem, recipe: EditRecipe): void {
  const total = audioDuration(audio);
  if (total <= 0) return;
  recipe.clips.forEach((clip, i) => {
    if (clip.end > total + DURATION_SLACK_SEC) {
      throw new ApiError(
        400,
        "bad_request",
        `recipe.clips[${i}].end: ${clip.end} s is past the end of the track (${total.toFixed(1)} s).`,
      );
    }
  });
}

function checkVisual(preset: string, visual: Record<string, unknown> | undefined): void {
  if (!isPresetId(preset)) {
    throw new ApiError(
      400,
      "bad_request",
      `preset: unknown preset "${preset}"; choose one of ${PRESET_IDS.join(", ")}.`,
    );
  }
  try {
    resolveVisualConfig(preset, visual);
  } catch (err) {
    throw new ApiError(
      400,
      "bad_request",
      `visual: ${(err as Error).message.replace(/\n\s*/g, " ")}`,
    );
  }
}
