// INSERT one pending job.
import type { Client } from "@libsql/client";
import { firstJob, JOB_JSON } from "../row";
import type { CreateJobInput, Job } from "../types";

// Inserts `input` as a pending job with id `id`; returns the stored row.
export async function createJob(
  db: Client,
  input: CreateJobInput & { id: string; maxAttempts: number },
  now: number,
): Promise<Job> {
  const rs = await db.execute({
    sql: `INSERT INTO audio_prep_jobs
      (id, type, status, payload, priority, attempts, max_attempts, run_after, created_at, updated_at)
      VALUES (:id, :type, 'pending', :payload, :priority, 0, :max_attempts, :run_after, :now, :now)
      RETURNING ${JOB_JSON}`,
    args: {
      id: input.id,
      type: input.type,
      payload: JSON.stringify(input.payload),
      priority: input.priority ?? 0,
      max_attempts: input.maxAttempts,
      run_after: input.runAfter ?? now,
      now,
    },
  });
  const job = firstJob(rs.rows);
  if (!job) throw new Error(`job ${input.id} was not inserted`);
  return job;
}
