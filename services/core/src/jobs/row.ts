// Maps an `audio_prep_jobs` row to the Job shape of jobs/types.ts.
//
// Statements select a job as ONE column, `JOB_JSON` (SQLite's json_object over the row), not
// `*`: @libsql/client spends ~10 µs of JavaScript per returned column, so a 20-column row
// cost ~0.2 ms per claim, more than the SQL itself; one JSON string parses in a fraction of it.
import type { Row } from "@libsql/client";
import type { Job, JobProgress, JobStatus, JobType, JsonObject } from "./types";

const COLUMNS = [
  "id",
  "type",
  "status",
  "payload",
  "result",
  "error",
  "progress",
  "priority",
  "attempts",
  "max_attempts",
  "run_after",
  "lease_owner",
  "lease_expires_at",
  "dispatch_call_id",
  "dispatch_backend",
  "dispatch_deadline_at",
  "cancel_requested",
  "created_at",
  "updated_at",
  "finished_at",
  "deleted_at",
] as const;
const JSON_COLUMNS = new Set(["payload", "result", "progress"]);

/** SELECT/RETURNING expression yielding the whole job as one JSON column named `job`. */
export const JOB_JSON = `json_object(${COLUMNS.map((c) =>
  JSON_COLUMNS.has(c) ? `'${c}', json(${c})` : `'${c}', ${c}`,
).join(", ")}) AS job`;

type JobRecord = { [K in (typeof COLUMNS)[number]]: unknown };

// One `JOB_JSON` row → Job.
export function rowToJob(row: Row): Job {
  const r = JSON.parse(String(row.job)) as JobRecord;
  const callId = str(r.dispatch_call_id);
  return {
    id: String(r.id),
    type: String(r.type) as JobType,
    status: String(r.status) as JobStatus,
    payload: (r.payload as JsonObject | null) ?? {},
    result: (r.result as JsonObject | null) ?? null,
    error: str(r.error),
    progress: (r.progress as JobProgress | null) ?? null,
    priority: Number(r.priority),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    runAfter: Number(r.run_after),
    leaseOwner: str(r.lease_owner),
    leaseExpiresAt: num(r.lease_expires_at),
    dispatch:
      callId === null
        ? null
        : {
            callId,
            backend: String(r.dispatch_backend),
            deadlineAt: Number(r.dispatch_deadline_at),
          },
    cancelRequested: Number(r.cancel_requested) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: num(r.finished_at),
    deletedAt: num(r.deleted_at),
  };
}

// The first row of a RETURNING/SELECT `JOB_JSON` result as a Job, or null.
export function firstJob(rows: readonly Row[]): Job | null {
  const row = rows[0];
  return row ? rowToJob(row) : null;
}

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
