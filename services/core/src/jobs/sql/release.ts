// processing → pending without counting the attempt (graceful worker shutdown).
import type { Client } from "@libsql/client";

// Gives `owner`'s leased job back to the queue in its old place (run_after unchanged: it was
// runnable when claimed); false when not held.
export async function releaseJob(
  db: Client,
  id: string,
  owner: string,
  now: number,
): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'pending', attempts = MAX(attempts - 1, 0), lease_owner = NULL,
          lease_expires_at = NULL, progress = NULL, updated_at = :now
      WHERE id = :id AND status = 'processing' AND lease_owner = :owner`,
    args: { id, owner, now },
  });
  return rs.rowsAffected === 1;
}
