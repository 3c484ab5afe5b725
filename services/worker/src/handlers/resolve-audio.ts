// Finds the prepared audio a preview/save/render refers to: a completed ingest or save job.
import type { IngestResult } from "@efs/core/jobs/payloads";
import type { JobStore } from "@efs/core/jobs/types";
import { PermanentJobError } from "../errors";

// The completed ingest/save result for `audioId`; a permanent error when it is not usable.
export async function resolveAudio(store: JobStore, audioId: unknown): Promise<IngestResult> {
  if (typeof audioId !== "string" || !audioId) {
    throw new PermanentJobError("payload.audioId must be the id of a completed ingest or save job");
  }
  const source = await store.get(audioId);
  if (!source || (source.type !== "ingest" && source.type !== "save")) {
    throw new PermanentJobError(`audio ${audioId} was not found; ingest it first`);
  }
  if (source.status !== "complete" || !source.result) {
    throw new PermanentJobError(
      `audio ${audioId} is not ready (its ${source.type} job is ${source.status})`,
    );
  }
  const result = source.result as unknown as IngestResult;
  if (!result.keys?.master) throw new PermanentJobError(`audio ${audioId} has no prepared master`);
  return result;
}
