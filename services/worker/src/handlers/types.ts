// What every job handler receives and returns. Handlers are plain functions of (job, deps, run):
// the loop owns leases, heartbeats and the final store write.
import type { Job, JobProgress, JobStore, JsonObject } from "@efs/core/jobs/types";
import type { Storage } from "@efs/core/storage/types";
import type { WorkerOptions } from "../options";

export interface WorkerDeps {
  store: JobStore;
  storage: Storage;
  options: WorkerOptions;
  log: (line: string) => void;
}

/** Per-job context: the lease owner, an AbortSignal fired on cancel/lease loss/shutdown, a temp dir. */
export interface JobRun {
  owner: string;
  signal: AbortSignal;
  tmpDir: string;
  progress(p: JobProgress): Promise<void>;
}

export type HandlerOutcome =
  | { kind: "complete"; result: JsonObject }
  /** Handed to a remote renderer and recorded with markDispatched; finished by webhook or reconciler. */
  | { kind: "dispatched" };

export type JobHandler = (job: Job, deps: WorkerDeps, run: JobRun) => Promise<HandlerOutcome>;
