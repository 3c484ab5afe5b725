// Worker entry: parse config at the edge (one line naming a bad or missing variable, exit 1),
// open the job store and storage, run the loop with the reaper and render reconciler, and
// handle signals (first: graceful stop within the grace period, exit 0; second: exit now).
import { ConfigError, loadConfig } from "@efs/core/config";
import { discardJobFiles } from "@efs/core/jobs/owned-objects";
import { openJobStore } from "@efs/core/jobs/store";
import { killAllChildren } from "@efs/core/proc/run";
import { createStorage } from "@efs/core/storage/create";
import { sweepExpired, UPLOAD_PREFIX } from "@efs/core/storage/retention";
import { HANDLERS } from "./handlers/registry";
import type { WorkerDeps } from "./handlers/types";
import { sweepScratch } from "./loop/scratch";
import { sweepDeletedJobs } from "./loop/sweep-deleted";
import { startWorker } from "./loop/worker";
import { workerOptions } from "./options";
import { pollRenderProgress } from "./render/progress";
import { reconcileRenders } from "./render/reconcile";

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  let options: ReturnType<typeof workerOptions>;
  try {
    config = loadConfig(process.env);
    options = workerOptions(config, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const store = await openJobStore(config);
  const storage = await createStorage(config);
  const deps: WorkerDeps = { store, storage, options, log };
  // Signal handlers go in before the loop announces "Started": until a handler is installed a
  // SIGTERM takes the default action and kills the process without a graceful stop.
  let worker: ReturnType<typeof startWorker> | null = null;
  let signals = 0;
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => {
    exit = resolve;
  });
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log(`[Worker] ${sig} again: exiting now`);
      killAllChildren();
      process.exit(130);
    }
    log(`[Worker] ${sig} received: no new jobs; finishing running ones (second signal exits now)`);
    if (!worker) return exit(0);
    worker.stop().then(
      () => exit(0),
      (e: unknown) => {
        log(`[Worker] Shutdown error: ${e instanceof Error ? e.message : String(e)}`);
        exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  await recoverFromLastRun(deps);
  worker = startWorker(deps, {
    handlers: HANDLERS,
    tasks: [
      {
        name: "Lease reaper",
        intervalMs: options.reapIntervalMs,
        run: async () => {
          const { requeued, failed, failedIds } = await store.reap();
          if (requeued + failed > 0)
            log(`[Worker] Reaper: ${requeued} job(s) re-queued, ${failed} failed`);
          await discardFilesOf(deps, failedIds);
        },
      },
      {
        name: "Render reconciler",
        intervalMs: options.reconcileIntervalMs,
        run: () => reconcileRenders(deps),
      },
      {
        name: "Deleted-job sweep",
        intervalMs: options.sweepIntervalMs,
        run: async () => {
          await sweepDeletedJobs(deps);
        },
      },
      {
        name: "Render progress",
        intervalMs: options.progressIntervalMs,
        run: () => pollRenderProgress(deps),
      },
      // R2 expires uploads with its bucket lifecycle rule (efs init sets it); local files
      // get the same rule here.
      ...(storage.backend === "local"
        ? [
            {
              name: "Upload retention",
              intervalMs: options.retention.intervalMs,
              run: async () => {
                const { deleted, bytes } = await sweepExpired(storage, {
                  prefix: UPLOAD_PREFIX,
                  maxAgeMs: options.retention.uploadMaxAgeMs,
                  now: Date.now(),
                });
                if (deleted > 0)
                  log(`[Worker] Retention: deleted ${deleted} expired upload(s), ${bytes} bytes`);
              },
            },
          ]
        : []),
    ],
  });

  return exited.finally(() => store.close());
}

// What a previous run of this worker left when it was killed: jobs still leased to the same
// WORKER_ID (it holds none now) go back to the queue at once instead of after their lease, and
// scratch folders of jobs no live worker holds are removed.
async function recoverFromLastRun(deps: WorkerDeps): Promise<void> {
  const { requeued, failed, failedIds } = await deps.store.reapOwner(deps.options.workerId);
  if (requeued + failed > 0) {
    log(
      `[Worker] A previous run of ${deps.options.workerId} left ${requeued + failed} job(s): ${requeued} re-queued, ${failed} failed`,
    );
  }
  await discardFilesOf(deps, failedIds);
  const swept = await sweepScratch(deps);
  if (swept > 0) log(`[Worker] Removed ${swept} scratch folder(s) of jobs no worker holds`);
}

// Deletes the files (and uploads) of jobs that just failed for good.
async function discardFilesOf(deps: WorkerDeps, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const job = await deps.store.get(id);
    if (job) await discardJobFiles(deps.storage, job, { ended: true }).catch(() => 0);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    killAllChildren();
    process.stderr.write(`[Worker] Fatal: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
