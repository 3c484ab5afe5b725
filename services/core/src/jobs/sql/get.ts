// SELECT one job by id.
import type { Client } from "@libsql/client";
import { firstJob, JOB_JSON } from "../row";
import type { Job } from "../types";

// The job with `id`, or null.
export async function getJob(db: Client, id: string): Promise<Job | null> {
  const rs = await db.execute({
    sql: `SELECT ${JOB_JSON} FROM audio_prep_jobs WHERE id = ?`,
    args: [id],
  });
  return firstJob(rs.rows);
}
