// Deletion: a finished job becomes a tombstone (hidden from lists, its objects removed by the
// caller); tombstones are purged once no late result can arrive for them any more.
import type { Client } from "@libsql/client";
import { JOB_JSON, rowToJob } from "../row";
import type { Job } from "../types";

// Marks a terminal job deleted; false when it is still running, unknown or already deleted.
export async function markJobDeleted(db: Client, id: string, now: number): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs SET deleted_at = :now, updated_at = :now
      WHERE id = :id AND status IN ('complete', 'failed', 'cancelled') AND deleted_at IS NULL`,
    args: { id, now },
  });
  return rs.rowsAffected === 1;
}

// Tombstones deleted before `before`, oldest first (at most `limit`).
export async function listDeletedJobs(db: Client, before: number, limit: number): Promise<Job[]> {
  const rs = await db.execute({
    sql: `SELECT ${JOB_JSON} FROM audio_prep_jobs
      WHERE deleted_at IS NOT NULL AND deleted_at < :before ORDER BY deleted_at LIMIT :limit`,
    args: { before, limit },
  });
  return rs.rows.map(rowToJob);
}

// Removes a tombstone row for good; false when `id` is not a tombstone.
export async function purgeDeletedJob(db: Client, id: string): Promise<boolean> {
  const rs = await db.execute({
    sql: "DELETE FROM audio_prep_jobs WHERE id = :id AND deleted_at IS NOT NULL",
    args: { id },
  });
  return rs.rowsAffected === 1;
}
