// Finds a job by the id from a URL, or answers 404 in the API's words.
import type { Job, JobStore } from "@efs/core/jobs/types";
import { ApiError } from "../api/errors";

const ID = /^[A-Za-z0-9_-]{1,128}$/;

// The job `id`, or ApiError(404) when the id is malformed, unknown or deleted.
export async function requireJob(jobs: JobStore, id: string): Promise<Job> {
  const job = ID.test(id) ? await jobs.get(id) : null;
  if (!job || job.deletedAt !== null)
    throw new ApiError(404, "not_found", `No job with id "${id.slice(0, 128)}".`);
  return job;
}
