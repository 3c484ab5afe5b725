// The read model behind `efs status`: counts and the few rows an operator needs to see.
// Read-only (SELECTs only, no migration), so it can run against production with any token.
import type { Client } from "@libsql/client";
import { JOB_JSON, rowToJob } from "../row";
import type { JobProgress, JobStatus, JobType } from "../types";

/** How far back "recent failures" look. */
export const FAILED_WINDOW_MS = 24 * 3_600_000;
/** A lease expired longer ago than this was not reaped: no worker is sweeping. */
export const STUCK_GRACE_MS = 60_000;
/** Rows listed per section (the counts are always complete). */
export const SUMMARY_ROWS = 20;

export interface JobSummary {
  /** Jobs per status and type (only the pairs that occur). */
  counts: { status: JobStatus; type: JobType; count: number }[];
  total: number;
  oldestPending: { id: string; type: JobType; createdAt: number } | null;
  failedRecent: {
    count: number;
    jobs: { id: string; type: JobType; error: string | null; finishedAt: number }[];
  };
  /** Leases expired past the grace period, and dispatched renders past their deadline
   * (longest stuck first). */
  stuck: {
    count: number;
    jobs: { id: string; type: JobType; why: "lease" | "deadline"; since: number }[];
  };
  /** Renders handed to a renderer (Modal or local) and not finished. */
  dispatched: {
    id: string;
    callId: string;
    backend: string;
    createdAt: number;
    deadlineAt: number;
    progress: JobProgress | null;
  }[];
}

// True when the job table exists (a database nothing has connected to has none).
export async function hasJobTable(db: Client): Promise<boolean> {
  const rs = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audio_prep_jobs'",
  );
  return rs.rows.length > 0;
}

// Number of job rows (what `efs destroy` says would be lost).
export async function countJobRows(db: Client): Promise<number> {
  const rs = await db.execute("SELECT COUNT(*) AS n FROM audio_prep_jobs");
  return Number(rs.rows[0]?.n ?? 0);
}

// The summary at `now` (epoch ms).
export async function readJobSummary(db: Client, now: number): Promise<JobSummary> {
  const counts = await db.execute(
    "SELECT status, type, COUNT(*) AS n FROM audio_prep_jobs GROUP BY status, type ORDER BY status, type",
  );
  const oldest = await db.execute(
    `SELECT id, type, created_at FROM audio_prep_jobs WHERE status = 'pending'
      ORDER BY created_at, id LIMIT 1`,
  );
  const since = now - FAILED_WINDOW_MS;
  const failedCount = await db.execute({
    sql: "SELECT COUNT(*) AS n FROM audio_prep_jobs WHERE status = 'failed' AND finished_at >= ?",
    args: [since],
  });
  const failed = await db.execute({
    sql: `SELECT id, type, error, finished_at FROM audio_prep_jobs
      WHERE status = 'failed' AND finished_at >= ? ORDER BY finished_at DESC, id LIMIT ?`,
    args: [since, SUMMARY_ROWS],
  });
  const stuckWhere = `status = 'processing' AND (
      (dispatch_call_id IS NULL AND lease_expires_at IS NOT NULL AND lease_expires_at < :lease)
      OR (dispatch_call_id IS NOT NULL AND dispatch_deadline_at < :now))`;
  const stuckCount = await db.execute({
    sql: `SELECT COUNT(*) AS n FROM audio_prep_jobs WHERE ${stuckWhere}`,
    args: { lease: now - STUCK_GRACE_MS, now },
  });
  const stuck = await db.execute({
    sql: `SELECT id, type, dispatch_call_id, lease_expires_at, dispatch_deadline_at
      FROM audio_prep_jobs WHERE ${stuckWhere}
      ORDER BY CASE WHEN dispatch_call_id IS NULL THEN lease_expires_at
        ELSE dispatch_deadline_at END, id
      LIMIT :limit`,
    args: { lease: now - STUCK_GRACE_MS, now, limit: SUMMARY_ROWS },
  });
  const dispatched = await db.execute({
    sql: `SELECT ${JOB_JSON} FROM audio_prep_jobs
      WHERE status = 'processing' AND dispatch_call_id IS NOT NULL
      ORDER BY created_at, id LIMIT ?`,
    args: [SUMMARY_ROWS],
  });
  const rows = counts.rows.map((r) => ({
    status: String(r.status) as JobStatus,
    type: String(r.type) as JobType,
    count: Number(r.n),
  }));
  const first = oldest.rows[0];
  return {
    counts: rows,
    total: rows.reduce((n, r) => n + r.count, 0),
    oldestPending: first
      ? {
          id: String(first.id),
          type: String(first.type) as JobType,
          createdAt: Number(first.created_at),
        }
      : null,
    failedRecent: {
      count: Number(failedCount.rows[0]?.n ?? 0),
      jobs: failed.rows.map((r) => ({
        id: String(r.id),
        type: String(r.type) as JobType,
        error: r.error === null ? null : String(r.error),
        finishedAt: Number(r.finished_at),
      })),
    },
    stuck: {
      count: Number(stuckCount.rows[0]?.n ?? 0),
      jobs: stuck.rows.map((r) => {
        const byDeadline = r.dispatch_call_id !== null;
        return {
          id: String(r.id),
          type: String(r.type) as JobType,
          why: byDeadline ? ("deadline" as const) : ("lease" as const),
          since: Number(byDeadline ? r.dispatch_deadline_at : r.lease_expires_at),
        };
      }),
    },
    dispatched: dispatched.rows.map(rowToJob).map((j) => ({
      id: j.id,
      callId: j.dispatch?.callId ?? "",
      backend: j.dispatch?.backend ?? "",
      createdAt: j.createdAt,
      deadlineAt: j.dispatch?.deadlineAt ?? 0,
      progress: j.progress,
    })),
  };
}
