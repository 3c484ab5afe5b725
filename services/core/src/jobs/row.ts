// Maps an `audio_prep_jobs` row to the Job shape of jobs/types.ts.
import type { Row } from "@libsql/client";
import type { Job, JobProgress, JobStatus, JobType, JsonObject } from "./types";

// One row → Job (JSON columns parsed, integers as numbers, flags as booleans).
export function rowToJob(row: Row): Job {
  const callId = str(row.dispatch_call_id);
  return {
    id: String(row.id),
    type: String(row.type) as JobType,
    status: String(row.status) as JobStatus,
    payload: json<JsonObject>(row.payload) ?? {},
    result: json<JsonObject>(row.result),
    error: str(row.error),
    progress: json<JobProgress>(row.progress),
    priority: Number(row.priority),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAfter: Number(row.run_after),
    leaseOwner: str(row.lease_owner),
    leaseExpiresAt: num(row.lease_expires_at),
    dispatch:
      callId === null
        ? null
        : {
            callId,
            backend: String(row.dispatch_backend),
            deadlineAt: Number(row.dispatch_deadline_at),
          },
    cancelRequested: Number(row.cancel_requested) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: num(row.finished_at),
  };
}

// The first row of a RETURNING/SELECT result as a Job, or null.
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

function json<T>(v: unknown): T | null {
  return v === null || v === undefined ? null : (JSON.parse(String(v)) as T);
}
