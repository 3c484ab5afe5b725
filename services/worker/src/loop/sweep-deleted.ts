// Deleted jobs are tombstones for a while (docs/web.md "Deletion and retention"): long enough
// for work still running when the user deleted it (a render can run for hours) to report back
// and have its late uploads removed. After that this sweep removes whatever the job still owns
// in storage — a last check for late writes — and then the row itself.
import { deleteOwnedObjects } from "@efs/core/jobs/owned-objects";
import type { WorkerDeps } from "../handlers/types";

/** How long a deleted job stays a tombstone when the render deadline is shorter. */
export const TOMBSTONE_MIN_MS = 7 * 24 * 3_600_000;

// Purges tombstones older than the retention (at least a week, and twice the render deadline).
export async function sweepDeletedJobs(deps: WorkerDeps, now = Date.now()): Promise<number> {
  const { store, storage, options, log } = deps;
  const retention = Math.max(TOMBSTONE_MIN_MS, 2 * options.render.deadlineMs);
  let purged = 0;
  for (const job of await store.listDeleted(now - retention)) {
    const late = await deleteOwnedObjects(storage, job);
    if (late.objects > 0) {
      log(`[Worker] Removed ${late.objects} late object(s) of deleted job ${job.id}`);
    }
    if (await store.purgeDeleted(job.id)) purged++;
  }
  if (purged > 0) log(`[Worker] Purged ${purged} deleted job(s) past retention`);
  return purged;
}
