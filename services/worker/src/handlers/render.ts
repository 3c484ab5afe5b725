// `render`: resolve the audio, sign GET URLs for it (and its per-frame features), and hand
// the render to Modal or the local renderer; the job then waits, lease-free, for the webhook
// (or the reconciler) with its own long deadline.
import { isRenderFormat, RENDER_FORMATS, RENDER_FPS } from "@efs/core/formats";
import type { RenderPayload } from "@efs/core/jobs/payloads";
import type { JsonObject } from "@efs/core/jobs/types";
import { defaultQuality, isRenderQuality, RENDER_QUALITIES } from "@efs/core/quality";
import { deriveJobToken } from "@efs/core/webhook-auth";
import { PermanentJobError } from "../errors";
import { submitRender } from "../render/submit";
import { resolveAudio } from "./resolve-audio";
import type { JobHandler } from "./types";

export const WEBHOOK_PATH = "/api/webhooks/worker";

// Validates the render payload; a bad one is a permanent error naming the field.
export function parseRenderPayload(p: JsonObject): RenderPayload {
  if (typeof p.preset !== "string" || !p.preset)
    throw new PermanentJobError("payload.preset is missing");
  if (!isRenderFormat(p.format))
    throw new PermanentJobError(
      `payload.format ${JSON.stringify(p.format)} is not a render format`,
    );
  if (!(RENDER_FPS as readonly unknown[]).includes(p.fps)) {
    throw new PermanentJobError(
      `payload.fps must be one of ${RENDER_FPS.join(", ")} (got ${JSON.stringify(p.fps)})`,
    );
  }
  if (p.quality !== undefined && !isRenderQuality(p.quality)) {
    throw new PermanentJobError(
      `payload.quality must be one of ${RENDER_QUALITIES.join(", ")} (got ${JSON.stringify(p.quality)})`,
    );
  }
  const d = p.durationSec;
  if (d !== undefined && d !== null && !(typeof d === "number" && d > 0)) {
    throw new PermanentJobError("payload.durationSec must be a positive number of seconds or null");
  }
  return {
    audioId: String(p.audioId ?? ""),
    preset: p.preset,
    format: p.format,
    fps: p.fps as 30 | 60,
    quality: p.quality ?? defaultQuality(RENDER_FORMATS[p.format]),
    durationSec: (d as number | null | undefined) ?? null,
    ...(p.visual && typeof p.visual === "object"
      ? { visual: p.visual as Record<string, unknown> }
      : {}),
  };
}

// Dispatches the render and records it with markDispatched.
export const renderHandler: JobHandler = async (job, deps, run) => {
  const { storage, store, options, log } = deps;
  const { target, webhookSecret, appUrl, deadlineMs, signedUrlTtlSec } = options.render;
  const payload = parseRenderPayload(job.payload);
  const audio = await resolveAudio(store, payload.audioId);
  if (!webhookSecret) {
    throw new PermanentJobError(
      "INTERNAL_WEBHOOK_SECRET is not set; the renderer could not report back",
    );
  }
  const audioUrl = await storage.signGetUrl(audio.keys.master, { expiresInSec: signedUrlTtlSec });
  // The ingest's features are handed over when the frame rate matches; otherwise the
  // renderer analyses the audio itself (same core analysis, same result).
  const featuresUrl =
    audio.keys.features && audio.featuresFps === payload.fps
      ? await storage.signGetUrl(audio.keys.features, { expiresInSec: signedUrlTtlSec })
      : null;
  const gpu = typeof job.payload.gpu === "string" ? job.payload.gpu : undefined;
  const { callId, gpu: usedGpu } = await submitRender(
    target,
    {
      auth_token: target.authToken?.reveal() ?? "",
      job_id: job.id,
      config: {
        preset: payload.preset,
        format: payload.format,
        fps: payload.fps,
        quality: payload.quality,
        ...(payload.durationSec ? { durationSec: payload.durationSec } : {}),
        ...(payload.visual ? { visual: payload.visual } : {}),
        ...(featuresUrl ? { featuresUrl } : {}),
      },
      audio_url: audioUrl,
      output_key: `renders/${job.id}/output.mp4`,
      webhook_url: `${appUrl.replace(/\/$/, "")}${WEBHOOK_PATH}`,
      webhook_token: deriveJobToken(webhookSecret, job.id),
      ...(gpu ? { gpu } : {}),
    },
    run.signal,
  );
  const recorded = await store.markDispatched(job.id, run.owner, {
    callId,
    backend: target.backend,
    deadlineAt: Date.now() + deadlineMs,
  });
  const where = target.backend === "modal" ? "Modal" : "local renderer";
  if (recorded) {
    log(
      `[Render] Job ${job.id} dispatched to ${where} (call_id=${callId}, gpu=${usedGpu ?? "none"})`,
    );
  } else {
    log(
      `[Render] Job ${job.id} was cancelled while being dispatched (call_id=${callId}); the late result will be ignored`,
    );
  }
  return { kind: "dispatched" };
};
