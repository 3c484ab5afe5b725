// The objects a job owns in storage, and discarding them when the job does not succeed: a
// failed or cancelled ingest leaves neither its prepared files nor the upload it came from.
import { isValidKey } from "../storage/keys";
import type { Storage } from "../storage/types";
import type { Job } from "./types";

// Deletes what `job` wrote (`audio/<id>/` for ingest and save) and, once it has `ended` (failed
// or cancelled, not about to be retried), the upload an ingest was made from. Returns how many
// objects went. Render outputs are the renderer's; previews are shared by recipe and kept.
export async function discardJobFiles(
  storage: Storage,
  job: Pick<Job, "id" | "type" | "payload">,
  opts: { ended: boolean },
): Promise<number> {
  let n = 0;
  if (job.type === "ingest" || job.type === "save") {
    n += await storage.deletePrefix(`audio/${job.id}/`);
  }
  const upload = uploadKeyOf(job);
  if (opts.ended && upload && (await storage.stat(upload))) {
    await storage.delete(upload);
    n += 1;
  }
  return n;
}

// The uploaded object an ingest job reads, or null (URL ingests, other job types).
export function uploadKeyOf(job: Pick<Job, "type" | "payload">): string | null {
  if (job.type !== "ingest") return null;
  const source = job.payload.source as { kind?: unknown; key?: unknown } | undefined;
  const key = source?.kind === "upload" ? source.key : null;
  return typeof key === "string" && key.startsWith("uploads/") && isValidKey(key) ? key : null;
}
