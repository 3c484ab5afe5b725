// The polling loop (graphile-worker style): it is handed the store and never writes SQL.
// Claims while a slot is free, polls again at once after a claim, sleeps pollIntervalMs when
// idle and backs off exponentially when the store itself fails. stop() stops claiming, lets
// running jobs finish within shutdownGraceMs, then aborts the rest and releases their leases.
import type { JobType } from "@efs/core/jobs/types";
import type { JobHandler, WorkerDeps } from "../handlers/types";
import { WORKER_VERSION } from "../options";
import { every, type Periodic } from "./periodic";
import { type RunningJob, runJob } from "./run-job";
import { createWaker } from "./sleep";

export interface WorkerHandle {
  /** Graceful stop; resolves when every job finished or was released. Idempotent. */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  handlers: Partial<Record<JobType, JobHandler>>;
  /** Background tasks run alongside the loop (reaper, render reconciler). */
  tasks?: Array<{ name: string; intervalMs: number; run: () => Promise<void> }>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// Starts the loop and its background tasks.
export function startWorker(deps: WorkerDeps, opts: StartWorkerOptions): WorkerHandle {
  const { store, options, log } = deps;
  const running = new Map<string, RunningJob>();
  const waker = createWaker();
  const types = Object.keys(opts.handlers) as JobType[];
  let stopping = false;
  const startedAt = Date.now();

  const periodic: Periodic[] = [
    every(
      options.workerHeartbeatMs,
      "Worker heartbeat",
      () =>
        store.recordWorkerHeartbeat({
          workerId: options.workerId,
          version: WORKER_VERSION,
          startedAt,
        }),
      log,
    ),
    ...(opts.tasks ?? []).map((t) => every(t.intervalMs, t.name, t.run, log)),
  ];

  const loop = (async () => {
    log(`[Worker] Started, polling every ${options.pollIntervalMs}ms`);
    let errorDelay = 0;
    while (!stopping) {
      if (running.size >= options.concurrency) {
        await waker.sleep(options.pollIntervalMs);
        continue;
      }
      let job: Awaited<ReturnType<typeof store.claim>>;
      try {
        job = await store.claim({ owner: options.workerId, leaseMs: options.leaseMs, types });
        errorDelay = 0;
      } catch (e) {
        errorDelay = Math.min(Math.max(1000, errorDelay * 2), 60_000);
        log(`[Worker] Could not claim a job: ${message(e)} (retrying in ${errorDelay}ms)`);
        await waker.sleep(errorDelay);
        continue;
      }
      if (!job) {
        await waker.sleep(options.pollIntervalMs);
        continue;
      }
      if (stopping) {
        await store.release(job.id, options.workerId);
        break;
      }
      const run = runJob(job, opts.handlers, deps);
      running.set(job.id, run);
      run.done.then(() => {
        running.delete(job.id);
        waker.wake();
      });
    }
  })();

  let stopPromise: Promise<void> | null = null;
  const stop = () => {
    stopPromise ??= (async () => {
      stopping = true;
      waker.wake();
      await loop;
      if (running.size > 0) {
        log(
          `[Worker] Shutting down: waiting up to ${options.shutdownGraceMs}ms for ${running.size} running job(s)`,
        );
        const all = Promise.all([...running.values()].map((r) => r.done));
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((r) => {
          timer = setTimeout(r, options.shutdownGraceMs);
        });
        await Promise.race([all, grace]);
        clearTimeout(timer);
        for (const r of running.values()) r.abort("shutdown");
        await all;
      }
      for (const p of periodic.reverse()) await p.stop();
      // A clean stop leaves no heartbeat behind: `efs status` reports only workers that died.
      await store.removeWorkerHeartbeat(options.workerId).catch((e: unknown) => {
        log(`[Worker] Could not remove the heartbeat row: ${message(e)}`);
      });
      log("[Worker] Stopped");
    })();
    return stopPromise;
  };

  return { stop };
}
