// processing → complete, compare-and-set: a terminal job never changes again. The error of an
// earlier attempt ("lease expired …; retrying") is cleared: the job succeeded.
import type { Client } from "@libsql/client";

// Completes a processing job (only `owner`'s, when given); false when not applied.
export async function completeJob(
  db: Client,
  id: string,
  result: object,
  owner: string | undefined,
  now: number,
): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'complete', result = :result, error = NULL, progress = NULL, lease_expires_at = NULL,
          updated_at = :now, finished_at = :now
      WHERE id = :id AND status = 'processing' AND (:owner IS NULL OR lease_owner = :owner)`,
    args: { id, result: JSON.stringify(result), owner: owner ?? null, now },
  });
  return rs.rowsAffected === 1;
}
