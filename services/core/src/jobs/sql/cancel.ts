// pending/processing → cancelled. A processing job's worker learns it from its heartbeat.
import type { Client } from "@libsql/client";

// Cancels a job that is not yet terminal; false when it already was (or does not exist).
export async function cancelJob(db: Client, id: string, now: number): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'cancelled', cancel_requested = 1, lease_expires_at = NULL,
          error = 'cancelled', updated_at = :now, finished_at = :now
      WHERE id = :id AND status IN ('pending', 'processing')`,
    args: { id, now },
  });
  return rs.rowsAffected === 1;
}
