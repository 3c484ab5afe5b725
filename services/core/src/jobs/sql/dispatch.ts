// Renders handed to a remote renderer: no lease (the reaper ignores them), a call id and a
// long deadline instead, reconciled by the worker against the renderer's status endpoint.
import type { Client } from "@libsql/client";
import { JOB_JSON, rowToJob } from "../row";
import type { Job } from "../types";

export interface Dispatch {
  callId: string;
  backend: string;
  deadlineAt: number;
}

// Drops `owner`'s lease and records the dispatch; false when `owner` no longer holds the job.
export async function markJobDispatched(
  db: Client,
  id: string,
  owner: string,
  dispatch: Dispatch,
  now: number,
): Promise<boolean> {
  const rs = await db.execute({
    sql: `UPDATE audio_prep_jobs
      SET lease_owner = NULL, lease_expires_at = NULL, dispatch_call_id = :call_id,
          dispatch_backend = :backend, dispatch_deadline_at = :deadline, updated_at = :now
      WHERE id = :id AND status = 'processing' AND lease_owner = :owner AND cancel_requested = 0`,
    args: {
      id,
      owner,
      call_id: dispatch.callId,
      backend: dispatch.backend,
      deadline: dispatch.deadlineAt,
      now,
    },
  });
  return rs.rowsAffected === 1;
}

// Dispatched jobs still processing; with `overdueAt`, only those past their deadline.
export async function listDispatchedJobs(db: Client, overdueAt: number | null): Promise<Job[]> {
  const rs = await db.execute({
    sql: `SELECT ${JOB_JSON} FROM audio_prep_jobs
      WHERE status = 'processing' AND dispatch_call_id IS NOT NULL
        AND (:at IS NULL OR dispatch_deadline_at < :at)
      ORDER BY dispatch_deadline_at, id`,
    args: { at: overdueAt },
  });
  return rs.rows.map(rowToJob);
}
