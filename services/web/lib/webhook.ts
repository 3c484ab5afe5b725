// The worker/renderer webhook (ARCHITECTURE.md "Wire contracts"): bearer token compared in
// constant time (shared INTERNAL_WEBHOOK_SECRET, or the per-job token derived from it for that
// job only); 401 without saying why; idempotent — a replay, or any report for a job already
// finished, answers 200 and changes nothing (terminal states are immutable).

import { deleteOwnedObjects } from "@efs/core/jobs/owned-objects";
import type { RenderResult } from "@efs/core/jobs/payloads";
import { resultKeyProblem, resultKeys } from "@efs/core/jobs/result-keys";
import type { Job } from "@efs/core/jobs/types";
import { checkWebhookAuth } from "@efs/core/webhook-auth";
import { z } from "zod";
import { readText } from "./api/body";
import { ApiError, json } from "./api/errors";
import { validate } from "./api/validate";
import type { WebContext } from "./context";
import { MAX_WEBHOOK_BYTES } from "./limits";

// The web's validator of core's WebhookBody (@efs/core/wire; core has no parser for it): the
// body schema reads `result` as any record, and resultSchema (typed as core's RenderResult)
// checks it only once the job is known to be running, so a replay for a finished job still
// answers 200.
const resultSchema: z.ZodType<RenderResult, z.ZodTypeDef, unknown> = z
  .object({
    videoKey: z.string().min(1).max(1024),
    format: z.string().min(1).max(64),
    durationSeconds: z.number().finite().min(0),
    thumbnailKey: z.string().min(1).max(1024).optional(),
  })
  .passthrough();

const bodySchema = z.discriminatedUnion("status", [
  z.object({
    jobId: z.string().min(1).max(128),
    status: z.literal("complete"),
    result: z.record(z.unknown()).default({}),
  }),
  z.object({
    jobId: z.string().min(1).max(128),
    status: z.literal("failed"),
    error: z.string().max(4000).default("the renderer reported a failure without a reason"),
  }),
]);

const unauthorized = () => new ApiError(401, "unauthorized", "Unauthorized.");

// Handles one webhook call end to end.
export async function handleWebhook(req: Request, ctx: WebContext): Promise<Response> {
  const authorization = req.headers.get("authorization");
  const secret = ctx.config.webhookSecret;
  if (!authorization || !secret) throw unauthorized();
  const text = await readText(req, MAX_WEBHOOK_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  // The per-job token needs the job id, so the body is read before the check; until the
  // token is accepted nothing about the body or the job is revealed.
  const claimedId =
    typeof (raw as { jobId?: unknown })?.jobId === "string"
      ? (raw as { jobId: string }).jobId
      : null;
  if (
    !checkWebhookAuth(authorization, {
      secrets: [secret, ctx.config.webhookSecretPrevious],
      jobId: claimedId,
    }).ok
  )
    throw unauthorized();
  if (raw === undefined)
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  const body = validate(bodySchema, raw);

  const job = await ctx.jobs.get(body.jobId);
  if (!job) throw new ApiError(404, "not_found", `No job with id "${body.jobId}".`);
  // Only renders are handed to a renderer; every other job is finished by the worker that
  // holds its lease, never by a report from outside.
  if (job.type !== "render") {
    throw new ApiError(
      409,
      "conflict",
      `Job ${job.id} is an ${job.type} job; only render jobs are finished through this webhook (the worker finishes the others).`,
    );
  }
  if (job.deletedAt !== null) return lateForDeleted(ctx, job);
  if (job.status === "complete" || job.status === "failed" || job.status === "cancelled") {
    return json({ ok: true, applied: false, status: job.status });
  }

  if (body.status === "complete") {
    const result = await checkRenderResult(ctx, job, body.result);
    const applied = await ctx.jobs.complete(job.id, result);
    if (applied) console.log(`[Webhook] Render complete for job ${job.id}`);
    return answer(ctx, job, applied);
  }
  const failed = await ctx.jobs.fail(job.id, body.error);
  const applied = failed?.status === "failed";
  if (applied) console.log(`[Webhook] Render failed for job ${job.id}: ${body.error}`);
  return answer(ctx, job, applied);
}

// Every key of the result is a valid key inside `renders/<job id>/`, and names a stored object.
async function checkRenderResult(ctx: WebContext, job: Job, result: Record<string, unknown>) {
  const r = validate(resultSchema, result);
  const problem = resultKeyProblem(r, job);
  if (problem) throw new ApiError(400, "bad_request", `${problem}.`);
  for (const { path, value } of resultKeys(r)) {
    if (typeof value === "string" && !(await ctx.storage.stat(value))) {
      throw new ApiError(
        400,
        "bad_request",
        `${path}: no such object in storage; upload the file before reporting the render complete.`,
      );
    }
  }
  return r;
}

// A result for a job the user deleted while it ran (a tombstone of ours): whatever the renderer
// uploaded for it since is removed; nothing else changes.
async function lateForDeleted(ctx: WebContext, job: Job): Promise<Response> {
  const removed = await deleteOwnedObjects(ctx.storage, job);
  if (removed.objects > 0) {
    console.log(`[Webhook] Removed ${removed.objects} late object(s) of deleted job ${job.id}`);
  }
  return json({ ok: true, applied: false, status: job.status, deleted: true });
}

async function answer(ctx: WebContext, job: Job, applied: boolean): Promise<Response> {
  const now = await ctx.jobs.get(job.id);
  return json({ ok: true, applied, status: now?.status ?? job.status });
}
