// Deleting from the library: a job and, for a track (an ingest or a saved edit), everything made
// from it — its edit previews and its renders. Saved edits are tracks of their own and stay.
// Running jobs are cancelled first; each job becomes a tombstone (hidden, kept a while so a
// late result is recognised and cleaned up, docs/web.md) and its objects are removed. Only the
// objects a job owns by its id are touched (core/jobs/owned-objects).
import {
  deleteOwnedObjects,
  measureOwnedObjects,
  type ObjectTally,
} from "@efs/core/jobs/owned-objects";
import { type Job, type JobStatus, TERMINAL_STATUSES } from "@efs/core/jobs/types";
import type { WebContext } from "../context";
import { titleOf } from "./view";

interface PlannedJob {
  id: string;
  type: Job["type"];
  title: string;
  status: JobStatus;
}

/** What a deletion will do, for the confirmation the UI shows. */
export interface DeletionPlan {
  job: PlannedJob;
  /** The job (or one made from it) is still running and will be cancelled first. */
  cancelsRunning: boolean;
  /** Renders of this track, deleted with it. */
  renders: PlannedJob[];
  /** Edit previews of this track, deleted with it. */
  previews: PlannedJob[];
  /** Saved edits made from this track: separate tracks, kept. */
  keptSavedEdits: PlannedJob[];
  /** Objects and bytes in storage that will be removed. */
  storage: ObjectTally;
}

const planned = (j: Job): PlannedJob => ({
  id: j.id,
  type: j.type,
  title: titleOf(j),
  status: j.status,
});
const running = (j: Job) => !TERMINAL_STATUSES.includes(j.status);

// Every live job made from the track `audioId` (all pages).
async function madeFrom(ctx: WebContext, audioId: string): Promise<Job[]> {
  const out: Job[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.jobs.list({ audioId, limit: 500, cursor });
    out.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

// The jobs a deletion of `job` removes (dependents first) and the plan to show.
export async function planDeletion(
  ctx: WebContext,
  job: Job,
): Promise<{ plan: DeletionPlan; targets: Job[] }> {
  const isTrack = job.type === "ingest" || job.type === "save";
  const children = isTrack ? await madeFrom(ctx, job.id) : [];
  const renders = children.filter((j) => j.type === "render");
  const previews = children.filter((j) => j.type === "preview");
  const saves = children.filter((j) => j.type === "save");
  const targets = [...renders, ...previews, job];
  const storage: ObjectTally = { objects: 0, bytes: 0 };
  for (const t of targets) {
    const m = await measureOwnedObjects(ctx.storage, t);
    storage.objects += m.objects;
    storage.bytes += m.bytes;
  }
  return {
    plan: {
      job: planned(job),
      cancelsRunning: targets.some(running),
      renders: renders.map(planned),
      previews: previews.map(planned),
      keptSavedEdits: saves.map(planned),
      storage,
    },
    targets,
  };
}

// Cancels (if running), tombstones and empties each target; returns what was removed.
export async function deleteJobs(
  ctx: WebContext,
  targets: Job[],
): Promise<{ jobs: string[]; objects: number; bytes: number }> {
  const removed = { jobs: [] as string[], objects: 0, bytes: 0 };
  for (const target of targets) {
    if (running(target)) await ctx.jobs.cancel(target.id);
    // A cancel can lose the race to a completion: either way the job is terminal now.
    if (!(await ctx.jobs.markDeleted(target.id))) {
      const now = await ctx.jobs.get(target.id);
      if (!now || now.deletedAt === null) {
        throw new Error(`job ${target.id} could not be marked deleted (it is ${now?.status})`);
      }
    }
    const current = (await ctx.jobs.get(target.id)) ?? target;
    const t = await deleteOwnedObjects(ctx.storage, current);
    removed.jobs.push(target.id);
    removed.objects += t.objects;
    removed.bytes += t.bytes;
  }
  return removed;
}
