// Reconciles dispatched renders against the renderer: a render is never left `processing`
// forever and never failed by the generic lease timeout. Deadline passed → failed; renderer
// says failed → failed with its reason; renderer does not know the call (it restarted or
// crashed and lost it, or Modal expired it) → dispatched again while attempts remain;
// completed (webhook lost) → completed with its result once its keys check out; running → left
// alone. Every write is compare-and-set in the store, so a webhook racing this reconciler (or a
// cancel) wins cleanly.
import { resultKeyProblem, resultKeys } from "@efs/core/jobs/result-keys";
import type { Job, JsonObject } from "@efs/core/jobs/types";
import type { WorkerDeps } from "../handlers/types";
import { fetchRenderStatus } from "./status";

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// One reconciliation pass over every dispatched render.
export async function reconcileRenders(deps: WorkerDeps, now = Date.now()): Promise<void> {
  const { store, options, log } = deps;
  const target = options.render.target;
  for (const job of await store.listDispatched()) {
    const d = job.dispatch;
    if (!d) continue;
    if (d.deadlineAt < now) {
      await failRender(
        deps,
        job,
        `render did not finish before its deadline (call_id=${d.callId})`,
      );
      continue;
    }
    if (d.backend !== target.backend) continue;
    try {
      const s = await fetchRenderStatus(target, d.callId);
      if (s.status === "unknown") {
        await redispatch(deps, job, s.error ?? "no reason given");
      } else if (s.status === "failed") {
        await failRender(deps, job, `renderer reported failed: ${s.error ?? "no reason given"}`);
      } else if (s.status === "completed" && s.result) {
        const problem = await renderResultProblem(deps, job, s.result);
        if (problem) {
          await failRender(deps, job, `the renderer's result was refused: ${problem}`);
        } else if (await store.complete(job.id, s.result as JsonObject)) {
          log(`[Render] Job ${job.id} completed (reconciled from the renderer's status)`);
        }
      }
    } catch (e) {
      log(`[Render] Could not check job ${job.id} (call_id=${d.callId}): ${message(e)}`);
    }
  }
}

// The same checks the webhook makes: valid keys inside renders/<job>/, each one stored.
async function renderResultProblem(
  deps: WorkerDeps,
  job: Job,
  result: Record<string, unknown>,
): Promise<string | null> {
  if (typeof result.videoKey !== "string") return "result.videoKey is missing";
  const problem = resultKeyProblem(result, job);
  if (problem) return problem;
  for (const { path, value } of resultKeys(result)) {
    if (typeof value === "string" && !(await deps.storage.stat(value))) {
      return `${path}: no such object in storage (${value})`;
    }
  }
  return null;
}

// The renderer lost the call: back to the queue (its attempt counted), or failed for good.
async function redispatch(deps: WorkerDeps, job: Job, why: string): Promise<void> {
  const lost = `the renderer lost this render (${why}: it was restarted or crashed)`;
  const last = job.attempts >= job.maxAttempts;
  const reason = last
    ? `${lost}, on each of its ${job.attempts} attempts`
    : `${lost}; dispatching it again`;
  const after = await deps.store.fail(job.id, reason, { retryable: true });
  if (after?.status === "pending") {
    deps.log(
      `[Render] Job ${job.id}: ${lost}; dispatching it again (attempt ${after.attempts + 1} of ${after.maxAttempts})`,
    );
  } else if (after?.status === "failed") {
    deps.log(`[Worker] Job ${job.id} failed: ${reason}`);
  }
}

async function failRender(deps: WorkerDeps, job: Job, reason: string): Promise<void> {
  const after = await deps.store.fail(job.id, reason);
  if (after?.status === "failed") deps.log(`[Worker] Job ${job.id} failed: ${reason}`);
}
