// Looks up a prepared audio item: a completed ingest or save job and its result.
import type { IngestResult } from "@efs/core/jobs/payloads";
import type { Job, JobStore } from "@efs/core/jobs/types";
import { ApiError } from "../api/errors";

export interface AudioItem {
  job: Job;
  result: IngestResult;
}

// The audio item `audioId`, or a 404/409 ApiError saying why it cannot be used yet.
export async function requireAudio(jobs: JobStore, audioId: string): Promise<AudioItem> {
  const job = await jobs.get(audioId);
  if (!job || job.deletedAt !== null || (job.type !== "ingest" && job.type !== "save")) {
    throw new ApiError(
      404,
      "not_found",
      `No audio with id "${audioId}"; pick one from the library.`,
    );
  }
  if (job.status !== "complete" || !job.result) {
    throw new ApiError(
      409,
      "conflict",
      `Audio "${audioId}" is ${job.status}, not ready; wait until it is prepared (or upload it again if it failed).`,
    );
  }
  return { job, result: job.result as unknown as IngestResult };
}

// The audio's duration in seconds (0 when the worker did not record one).
export function audioDuration(item: AudioItem): number {
  const d = item.result.durationSec;
  return typeof d === "number" && Number.isFinite(d) ? d : 0;
}
