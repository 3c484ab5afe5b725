// The storage objects a job owns, derived from its id and type, never taken on trust from its
// result: `uploads/<id>/` and `audio/<id>/` (an ingest), `audio/<id>/` (a saved edit),
// `renders/<id>/` (video, thumbnail, chunk parts), and a preview's `previews/<recipe hash>.mp3`
// when the result names exactly that key. A result that names any other key (another job's,
// another studio's in a shared bucket) gets nothing deleted. The one answer to "what may go" for
// deletion in the web app, the worker's clean-up of late writes and of jobs that did not
// succeed (their files, and a failed or cancelled ingest's upload), and the tombstone sweep.
import type { Storage } from "../storage/types";
import type { Job } from "./types";

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const RECIPE_HASH = /^[0-9a-f]{16,128}$/;

// Prefixes (and exact keys, for previews) that belong to `job`; empty for a malformed id.
export function ownedPrefixes(job: Pick<Job, "id" | "type" | "result">): string[] {
  if (!SAFE_ID.test(job.id)) return [];
  switch (job.type) {
    case "ingest":
      return [`uploads/${job.id}/`, `audio/${job.id}/`];
    case "save":
      return [`audio/${job.id}/`];
    case "render":
      return [`renders/${job.id}/`];
    case "preview": {
      const r = (job.result ?? {}) as { previewKey?: unknown; recipeHash?: unknown };
      const hash = typeof r.recipeHash === "string" ? r.recipeHash : "";
      const key = `previews/${hash}.mp3`;
      return RECIPE_HASH.test(hash) && r.previewKey === key ? [key] : [];
    }
  }
}

export interface ObjectTally {
  objects: number;
  bytes: number;
}

// Counts what `job` owns in storage (objects and bytes).
export async function measureOwnedObjects(
  storage: Pick<Storage, "list">,
  job: Pick<Job, "id" | "type" | "result">,
): Promise<ObjectTally> {
  const tally = { objects: 0, bytes: 0 };
  for (const prefix of ownedPrefixes(job)) {
    for await (const o of storage.list(prefix)) {
      if (prefix.endsWith("/") || o.key === prefix) {
        tally.objects++;
        tally.bytes += o.size;
      }
    }
  }
  return tally;
}

// Deletes everything `job` owns; returns what was there.
export async function deleteOwnedObjects(
  storage: Pick<Storage, "list" | "delete" | "deletePrefix">,
  job: Pick<Job, "id" | "type" | "result">,
): Promise<ObjectTally> {
  const tally = await measureOwnedObjects(storage, job);
  for (const prefix of ownedPrefixes(job)) {
    if (prefix.endsWith("/")) await storage.deletePrefix(prefix);
    else await storage.delete(prefix);
  }
  return tally;
}

// What a job that did not succeed leaves goes: the files an ingest or a saved edit wrote
// (`audio/<id>/`) and, once it has `ended` (failed or cancelled, not about to be retried), the
// upload an ingest was made from (`uploads/<id>/`). A render's outputs are left to the renderer,
// which may still be writing them (deleting the render removes them); previews are shared by
// recipe and kept. Returns how many objects went.
export async function discardJobFiles(
  storage: Pick<Storage, "deletePrefix">,
  job: Pick<Job, "id" | "type" | "result">,
  opts: { ended: boolean },
): Promise<number> {
  if (job.type !== "ingest" && job.type !== "save") return 0;
  let n = 0;
  for (const prefix of ownedPrefixes(job)) {
    if (opts.ended || !prefix.startsWith("uploads/")) n += await storage.deletePrefix(prefix);
  }
  return n;
}
