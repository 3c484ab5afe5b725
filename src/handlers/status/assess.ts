// What makes a stack unhealthy (exit 1): failing health, an unreadable job store or storage,
// no live worker, a worker that stopped heartbeating without a clean stop, jobs stuck past
// their lease or deadline, and (local) a dead service process. Env drift is reported, not judged.
import type { WorkerHeartbeat } from "@efs/core/jobs/types";
import { HEARTBEAT_MAX_AGE_MS } from "../../checks/render";
import type {
  AppStatus,
  JobsStatus,
  Problem,
  ProcessStatus,
  StatusTarget,
  StorageStatus,
  WorkerStatus,
} from "./types";

/** A stale row older than this is history (the worker is gone), not a current problem. */
const WORKER_FORGET_MS = 24 * 3_600_000;

// Classifies heartbeat rows: live (fresh), stale (stopped recently without a clean stop), gone.
export function classifyWorkers(
  rows: readonly WorkerHeartbeat[],
  now: number,
  maxAgeMs = HEARTBEAT_MAX_AGE_MS,
): WorkerStatus[] {
  return rows.map((r) => {
    const age = Math.max(0, now - r.lastSeenAt);
    return {
      id: r.workerId,
      version: r.version,
      lastSeenAt: r.lastSeenAt,
      ageSec: Math.round(age / 1000),
      state: age <= maxAgeMs ? "live" : age <= WORKER_FORGET_MS ? "stale" : "gone",
    };
  });
}

/** Where to look next, worded per target. */
const FIX = {
  local: {
    app: "efs logs web (or restart the studio: efs down && efs up)",
    jobs: "efs logs web; the job store is <data dir>/efs.db",
    worker: "efs logs worker-1 (efs up restarts crashed workers; efs down && efs up otherwise)",
    storage: "check the data dir's storage/ folder (or efs up's --s3 server and credentials)",
  },
  production: {
    app: "efs verify vercel",
    jobs: "efs verify turso",
    worker: "check the worker's logs in the Render dashboard, then efs verify render",
    storage: "efs verify r2",
  },
} as const;

export interface AssessInput {
  readonly target: StatusTarget;
  readonly app: AppStatus;
  readonly jobs: JobsStatus;
  readonly workers: readonly WorkerStatus[] | null;
  readonly storage: StorageStatus;
  readonly processes: readonly ProcessStatus[] | null;
}

// Every problem in a snapshot, in the order the screen shows the sections.
export function assess(s: AssessInput): Problem[] {
  const fix = FIX[s.target];
  const out: Problem[] = [];
  if (!s.app.ok) out.push({ what: `app health: ${s.app.error ?? "failing"}`, fix: fix.app });
  for (const p of s.processes ?? [])
    if (!p.alive)
      out.push({
        what: `${p.name} is not running (pid ${p.pid ?? "none"})`,
        fix: "efs logs up; efs down && efs up",
      });
  if (!s.jobs.ok) out.push({ what: `job store: ${s.jobs.error}`, fix: fix.jobs });
  if (s.workers) {
    for (const w of s.workers.filter((x) => x.state === "stale"))
      out.push({
        what: `worker ${w.id} stopped heartbeating ${ago(w.ageSec)} ago without shutting down (crash, OOM or kill)`,
        fix: fix.worker,
      });
    if (!s.workers.some((w) => w.state === "live"))
      out.push({ what: "no worker is running: jobs stay pending", fix: fix.worker });
  }
  if (s.jobs.ok && s.jobs.stuck.count > 0)
    out.push({
      what: `${s.jobs.stuck.count} job(s) stuck past their lease or render deadline (nothing re-queued them)`,
      fix: fix.worker,
    });
  if (!s.storage.ok) out.push({ what: `storage: ${s.storage.error}`, fix: fix.storage });
  return out;
}

// "42s", "7m 3s", "2h 5m", "3d 4h".
export function ago(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
