// processing → failed, or → pending after a backoff when retryable and attempts remain (its
// progress cleared: the next attempt starts from nothing, a failure keeps where it stopped).
import type { Client } from "@libsql/client";
import { BACKOFF_SQL, type BackoffPolicy } from "../backoff";
import { firstJob, JOB_JSON } from "../row";
import type { FailOptions, Job } from "../types";

// Fails (or re-queues) a processing job; the updated job, or null when not applied.
export async function failJob(
  db: Client,
  id: string,
  error: string,
  opts: FailOptions,
  backoff: BackoffPolicy,
  now: number,
): Promise<Job | null> {
  const retry = "(:retryable = 1 AND attempts < max_attempts)";
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = CASE WHEN ${retry} THEN 'pending' ELSE 'failed' END,
          run_after = CASE WHEN ${retry} THEN :now + ${BACKOFF_SQL} ELSE run_after END,
          finished_at = CASE WHEN ${retry} THEN NULL ELSE :now END,
          dispatch_call_id = CASE WHEN ${retry} THEN NULL ELSE dispatch_call_id END,
          dispatch_backend = CASE WHEN ${retry} THEN NULL ELSE dispatch_backend END,
          dispatch_deadline_at = CASE WHEN ${retry} THEN NULL ELSE dispatch_deadline_at END,
          lease_owner = CASE WHEN ${retry} THEN NULL ELSE lease_owner END,
          progress = CASE WHEN ${retry} THEN NULL ELSE progress END,
          error = :error, lease_expires_at = NULL, updated_at = :now
      WHERE id = :id AND status = 'processing' AND (:owner IS NULL OR lease_owner = :owner)
      RETURNING ${JOB_JSON}`,
    args: {
      id,
      error,
      owner: opts.owner ?? null,
      retryable: opts.retryable ? 1 : 0,
      base_ms: backoff.baseMs,
      max_ms: backoff.maxMs,
      now,
    },
  });
  return firstJob(rs.rows);
}
