// Lease renewal and progress: both only for the current lease holder of a processing job.
import type { Client } from "@libsql/client";
import type { JobProgress } from "../types";

// Extends `owner`'s lease; false once the job was reaped, cancelled, finished or dispatched.
export async function heartbeatJob(
  db: Client,
  id: string,
  owner: string,
  leaseMs: number,
  now: number,
): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs SET lease_expires_at = :expires, updated_at = :now
      WHERE id = :id AND status = 'processing' AND lease_owner = :owner AND cancel_requested = 0`,
    args: { id, owner, expires: now + leaseMs, now },
  });
  return rs.rowsAffected === 1;
}

// Records progress for `owner`'s processing job; false when `owner` no longer holds it.
export async function setJobProgress(
  db: Client,
  id: string,
  owner: string,
  progress: JobProgress,
  now: number,
): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs SET progress = :progress, updated_at = :now
      WHERE id = :id AND status = 'processing' AND lease_owner = :owner`,
    args: { id, owner, progress: JSON.stringify(progress), now },
  });
  return rs.rowsAffected === 1;
}

// Records progress reported by the renderer of a dispatched render (no lease: the call id is
// the compare-and-set key); false once the job finished, was cancelled or re-dispatched.
export async function setDispatchedJobProgress(
  db: Client,
  id: string,
  callId: string,
  progress: JobProgress,
  now: number,
): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs SET progress = :progress, updated_at = :now
      WHERE id = :id AND status = 'processing' AND dispatch_call_id = :call_id`,
    args: { id, call_id: callId, progress: JSON.stringify(progress), now },
  });
  return rs.rowsAffected === 1;
}
