// Reconciles dispatched renders against the renderer: a render is never left `processing`
// forever and never failed by the generic lease timeout. Deadline passed → failed; renderer
// says failed/unknown → failed with its reason; completed (webhook lost) → completed with its
// result; running → left alone. Every write is compare-and-set in the store, so a webhook
// racing this reconciler (or a cancel) wins cleanly.
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
      if (s.status === "failed" || s.status === "unknown") {
        await failRender(
          deps,
          job,
          `renderer reported ${s.status}: ${s.error ?? "no reason given"}`,
        );
      } else if (s.status === "completed" && s.result) {
        if (await store.complete(job.id, s.result as JsonObject)) {
          log(`[Render] Job ${job.id} completed (reconciled from the renderer's status)`);
        }
      }
    } catch (e) {
      log(`[Render] Could not check job ${job.id} (call_id=${d.callId}): ${message(e)}`);
    }
  }
}

async function failRender(deps: WorkerDeps, job: Job, reason: string): Promise<void> {
  const after = await deps.store.fail(job.id, reason);
  if (after?.status === "failed") deps.log(`[Worker] Job ${job.id} failed: ${reason}`);
}
