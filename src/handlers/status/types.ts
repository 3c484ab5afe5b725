// The one document `efs status` prints (--json `data`) and renders as a screen.
import type { JobSummary } from "@efs/core/jobs/sql/summary";
import type { PrefixUsage } from "@efs/core/storage/usage";

export type StatusTarget = "local" | "production";

/** `GET /api/health`, as the app answered it. */
export interface AppStatus {
  readonly url: string | null;
  readonly ok: boolean;
  readonly httpStatus: number | null;
  readonly version: string | null;
  readonly backends: Record<string, string> | null;
  readonly checks: Record<string, string> | null;
  readonly error: string | null;
}

type WorkerState = "live" | "stale" | "gone";

/** One row of the worker heartbeat table, classified by its age. */
export interface WorkerStatus {
  readonly id: string;
  readonly version: string;
  readonly lastSeenAt: number;
  readonly ageSec: number;
  readonly state: WorkerState;
}

export type JobsStatus =
  | ({ readonly ok: true } & JobSummary)
  | { readonly ok: false; readonly error: string };

export type StorageStatus =
  | {
      readonly ok: true;
      readonly backend: "local" | "s3" | "r2";
      readonly where: string;
      readonly prefixes: readonly PrefixUsage[];
    }
  | {
      readonly ok: false;
      readonly backend: string;
      readonly where: string;
      readonly error: string;
    };

/** A local service process from efs up's state file. */
export interface ProcessStatus {
  readonly name: string;
  readonly pid: number | null;
  readonly alive: boolean;
  readonly restarts: number;
}

/** The env drift line (production only). */
export interface EnvStatus {
  readonly summary: string;
  readonly drifted: number | null;
}

/** Something that makes the stack unhealthy (exit 1), and what fixes it. */
export interface Problem {
  readonly what: string;
  readonly fix: string;
}

export interface StatusSnapshot {
  readonly target: StatusTarget;
  readonly at: string;
  readonly app: AppStatus;
  readonly jobs: JobsStatus;
  readonly workers: readonly WorkerStatus[] | null;
  readonly storage: StorageStatus;
  readonly processes: readonly ProcessStatus[] | null;
  readonly env: EnvStatus | null;
  readonly problems: readonly Problem[];
  readonly healthy: boolean;
}
