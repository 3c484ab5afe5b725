// Expired leases (a worker that stopped heartbeating): re-queued while attempts remain, else
// failed with the reason. Dispatched renders hold no lease and are never touched.
//
// A re-queued job keeps its place: `run_after` is left as it was when it was first claimed
// (not pushed out by a backoff), so it sorts ahead of every job created after it. The lease
// expiry itself is the pause; max_attempts bounds a job that keeps killing its worker.
import type { Client } from "@libsql/client";

// Leases that are over: expired, or (with `owner`) held by a worker that restarted under the
// same id and therefore holds nothing any more.
const OVER = `status = 'processing' AND dispatch_call_id IS NULL AND lease_expires_at IS NOT NULL
  AND (lease_expires_at < :now OR (:owner IS NOT NULL AND lease_owner = :owner))`;

/** How many jobs went back to the queue, and which failed for good. */
export interface ReapResult {
  requeued: number;
  failed: number;
  failedIds: string[];
}

// Two compare-and-set statements; safe to run from every worker at once.
export async function reapExpiredLeases(
  db: Client,
  now: number,
  owner: string | null = null,
): Promise<ReapResult> {
  const failed = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'failed', lease_expires_at = NULL, updated_at = :now, finished_at = :now,
          error = 'lease expired after ' || attempts || ' attempts (worker '
            || COALESCE(lease_owner, '?') || ' stopped responding)'
      WHERE ${OVER} AND attempts >= max_attempts
      RETURNING id`,
    args: { now, owner },
  });
  const requeued = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'pending', updated_at = :now,
          error = 'lease expired on attempt ' || attempts || ' (worker '
            || COALESCE(lease_owner, '?') || ' stopped responding); retrying',
          lease_owner = NULL, lease_expires_at = NULL, progress = NULL
      WHERE ${OVER} AND attempts < max_attempts`,
    args: { now, owner },
  });
  const failedIds = failed.rows.map((r) => String(r.id));
  return { requeued: requeued.rowsAffected, failed: failedIds.length, failedIds };
}
