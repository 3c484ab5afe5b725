// The claim: one UPDATE that picks the next runnable pending job and leases it.
//
// SQLite has no SELECT … FOR UPDATE SKIP LOCKED. An UPDATE statement takes the database's
// write lock before it reads (its first opcode opens a write transaction), so the sub-select
// and the update see the same state and no other writer can run between them; the outer
// `status = 'pending'` re-check makes the compare-and-set explicit regardless. Two workers
// therefore never get the same row: the loser's sub-select already sees it processing.
import type { Client } from "@libsql/client";
import { firstJob, JOB_JSON } from "../row";
import type { ClaimOptions, Job } from "../types";
import { jsonList } from "./list";

// Leases the highest-priority runnable pending job to `owner`, counting the attempt.
export async function claimJob(db: Client, opts: ClaimOptions, now: number): Promise<Job | null> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET status = 'processing', attempts = attempts + 1, lease_owner = :owner,
          lease_expires_at = :expires, updated_at = :now
      WHERE id = (
          SELECT id FROM audio_prep_jobs
          WHERE status = 'pending' AND run_after <= :now
            AND (:types IS NULL OR type IN (SELECT value FROM json_each(:types)))
          ORDER BY priority DESC, run_after, created_at, id
          LIMIT 1)
        AND status = 'pending'
      RETURNING ${JOB_JSON}`,
    args: {
      owner: opts.owner,
      expires: now + opts.leaseMs,
      now,
      types: opts.types && opts.types.length > 0 ? jsonList(opts.types) : null,
    },
  });
  return firstJob(rs.rows);
}
