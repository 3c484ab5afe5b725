// Expired leases (a worker that stopped heartbeating): re-queued with backoff while attempts
// remain, else failed with the reason. Dispatched renders hold no lease and are never touched.
import type { Client } from "@libsql/client";
import { BACKOFF_SQL, type BackoffPolicy } from "../backoff";

const EXPIRED = `status = 'processing' AND lease_expires_at IS NOT NULL
  AND lease_expires_at < :now AND dispatch_call_id IS NULL`;

// Two compare-and-set statements; safe to run from every worker at once.
export async function reapExpiredLeases(
  db: Client,
  backoff: BackoffPolicy,
  now: number,
): Promise<{ requeued: number; failed: number }> {
  const failed = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'failed', lease_expires_at = NULL, updated_at = :now, finished_at = :now,
          error = 'lease expired after ' || attempts || ' attempts (worker '
            || COALESCE(lease_owner, '?') || ' stopped responding)'
      WHERE ${EXPIRED} AND attempts >= max_attempts`,
    args: { now },
  });
  const requeued = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'pending', run_after = :now + ${BACKOFF_SQL}, updated_at = :now,
          error = 'lease expired on attempt ' || attempts || ' (worker '
            || COALESCE(lease_owner, '?') || ' stopped responding); retrying',
          lease_owner = NULL, lease_expires_at = NULL
      WHERE ${EXPIRED} AND attempts < max_attempts`,
    args: { now, base_ms: backoff.baseMs, max_ms: backoff.maxMs },
  });
  return { requeued: requeued.rowsAffected, failed: failed.rowsAffected };
}
