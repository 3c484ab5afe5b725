// Runs one claimed job: heartbeat renews the lease while the handler works; a false heartbeat
// means cancelled (or lease lost) and aborts the handler, which kills its child processes.
// The loop, not the handler, makes the final compare-and-set write.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { deleteOwnedObjects, discardJobFiles } from "@efs/core/jobs/owned-objects";
import type { Job, JobType } from "@efs/core/jobs/types";
import { classifyError } from "../errors";
import type { JobHandler, WorkerDeps } from "../handlers/types";
import { scratchPrefix } from "./scratch";

export type AbortReason = "cancelled" | "lease-lost" | "shutdown";

export interface RunningJob {
  job: Job;
  /** Aborts the handler for `reason` (first reason wins). */
  abort(reason: AbortReason): void;
  done: Promise<void>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// Starts the job's handler; `done` settles after the final store write (never rejects).
export function runJob(
  job: Job,
  handlers: Partial<Record<JobType, JobHandler>>,
  deps: WorkerDeps,
): RunningJob {
  const { store, options, log } = deps;
  const owner = options.workerId;
  const controller = new AbortController();
  let reason: AbortReason | null = null;
  const abort = (r: AbortReason) => {
    if (reason) return;
    reason = r;
    controller.abort(new Error(`job ${r}`));
  };

  const beat = setInterval(async () => {
    try {
      if (await store.heartbeat(job.id, owner, options.leaseMs)) return;
      const current = await store.get(job.id);
      abort(
        current?.status === "cancelled" || current?.cancelRequested ? "cancelled" : "lease-lost",
      );
    } catch (e) {
      log(`[Worker] Heartbeat for job ${job.id} failed: ${message(e)}`);
    }
  }, options.heartbeatMs);
  // A cancel must stop the work within a couple of seconds, not at the next lease renewal
  // (a third of the lease): a cheap read on its own, shorter timer.
  const watch = setInterval(async () => {
    const current = await store.get(job.id).catch(() => null);
    if (current?.status === "cancelled" || current?.cancelRequested) abort("cancelled");
  }, options.cancelCheckMs);

  const done = (async () => {
    log(`[Worker] Claimed job ${job.id} (${job.type})`);
    let tmpDir: string | null = null;
    let outcome: Awaited<ReturnType<JobHandler>> | null = null;
    let error: unknown = null;
    try {
      const handler = handlers[job.type];
      if (!handler) throw new Error(`no handler for job type "${job.type}"`);
      if (job.cancelRequested) abort("cancelled");
      await mkdir(options.tmpRoot, { recursive: true });
      tmpDir = await mkdtemp(join(options.tmpRoot, scratchPrefix(job.id)));
      const dir = tmpDir;
      if (!controller.signal.aborted) {
        outcome = await handler(job, deps, {
          owner,
          signal: controller.signal,
          tmpDir: dir,
          progress: async (p) => {
            await store.setProgress(job.id, owner, p).catch(() => false);
          },
        });
      }
    } catch (e) {
      error = e;
    } finally {
      clearInterval(beat);
      clearInterval(watch);
      if (tmpDir) await rm(tmpDir, { recursive: true, force: true }).catch(() => {});
    }
    await settle(job, deps, reason, outcome, error);
  })().catch((e: unknown) =>
    log(`[Worker] Job ${job.id}: could not record the outcome: ${message(e)}`),
  );

  return { job, abort, done };
}

async function settle(
  job: Job,
  deps: WorkerDeps,
  reason: AbortReason | null,
  outcome: Awaited<ReturnType<JobHandler>> | null,
  error: unknown,
): Promise<void> {
  const { store, options, log } = deps;
  const owner = options.workerId;
  if (reason === "cancelled") {
    await store.cancel(job.id);
    await discard(deps, job, true);
    log(`[Worker] Job ${job.id} cancelled`);
    return;
  }
  if (reason === "lease-lost") {
    await discard(deps, job, null);
    log(`[Worker] Job ${job.id} stopped: this worker no longer holds its lease`);
    return;
  }
  if (reason === "shutdown") {
    const released = await store.release(job.id, owner);
    if (!released) await discard(deps, job, null);
    log(
      `[Worker] Job ${job.id} ${released ? "released back to the queue" : "was not released (no longer held)"}`,
    );
    return;
  }
  if (error !== null) {
    const { retryable, reason: why } = classifyError(error);
    const after = await store.fail(job.id, why, { owner, retryable });
    log(`[Worker] Job ${job.id} failed: ${why}`);
    if (after) await discard(deps, job, after.status === "failed");
    // Not applied: cancelled meanwhile (the web app deleted the files before this worker
    // stopped writing them), so they go now.
    else if ((await store.get(job.id))?.status === "cancelled") await discard(deps, job, true);
    if (after?.status === "pending") {
      log(
        `[Worker] Job ${job.id} will be retried (attempt ${after.attempts} of ${after.maxAttempts})`,
      );
    }
    return;
  }
  if (outcome?.kind === "complete") {
    const stored = await store.complete(job.id, outcome.result, { owner }).catch(async (e) => {
      // The store refuses a result with an invalid storage key: a bug, never a silent success.
      const why = `internal error: ${message(e)}`;
      await store.fail(job.id, why, { owner });
      await discard(deps, job, true);
      log(`[Worker] Job ${job.id} failed: ${why}`);
      return null;
    });
    if (stored === null) return;
    if (stored) {
      log(`[Worker] Finished job ${job.id}`);
    } else {
      const current = await store.get(job.id);
      // Cancelled while it finished: what it wrote goes with it.
      if (current?.status === "cancelled") await discard(deps, job, true);
      log(`[Worker] Job ${job.id} result discarded: job is ${current?.status ?? "gone"}`);
    }
  }
}

// The one clean-up of what a job that did not succeed leaves in storage; never fails the
// settle. A job deleted while it ran (a tombstone: the deletion cancelled it and removed its
// objects) loses everything it owns, including what its handler wrote after the deletion.
// Otherwise the job's files go and, once it has `ended` (failed or cancelled, not retried), its
// upload; with `ended` null (the job stopped but may be another worker's now) only a deleted
// job's objects go. What a job owns: core/jobs/owned-objects.
async function discard(deps: WorkerDeps, job: Job, ended: boolean | null): Promise<void> {
  try {
    const now = await deps.store.get(job.id);
    if (now && now.deletedAt !== null) {
      const late = await deleteOwnedObjects(deps.storage, now);
      if (late.objects > 0) {
        deps.log(`[Worker] Removed ${late.objects} late object(s) of deleted job ${job.id}`);
      }
    } else if (ended !== null) {
      await discardJobFiles(deps.storage, job, { ended });
    }
  } catch (e) {
    deps.log(`[Worker] Job ${job.id}: could not delete its files: ${message(e)}`);
  }
}
