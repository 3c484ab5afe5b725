// A pending job's 1-based place in claim order (priority, run_after, created_at, id).
import type { Client } from "@libsql/client";

// Runnable pending jobs a worker would claim before this one, plus one; null when not pending.
export async function jobQueuePosition(
  db: Client,
  id: string,
  now: number,
): Promise<number | null> {
  const rs = await db.execute({
    sql: `SELECT (
        SELECT COUNT(*) FROM audio_prep_jobs o
        WHERE o.status = 'pending' AND o.run_after <= :now AND o.id <> j.id
          AND (o.priority > j.priority
            OR (o.priority = j.priority AND o.run_after < j.run_after)
            OR (o.priority = j.priority AND o.run_after = j.run_after
                AND (o.created_at < j.created_at
                  OR (o.created_at = j.created_at AND o.id < j.id))))
      ) + 1 AS position
      FROM audio_prep_jobs j WHERE j.id = :id AND j.status = 'pending'`,
    args: { id, now },
  });
  const row = rs.rows[0];
  return row ? Number(row.position) : null;
}
