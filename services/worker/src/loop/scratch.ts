// Per-job scratch folders (`<tmpRoot>/<job id>-<random>`) are removed when a job ends, but a
// worker killed with SIGKILL (or OOM) cannot do that: 28 MB per 2-minute track stayed forever.
// A starting worker removes every folder whose job no other live worker holds.
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { WorkerDeps } from "../handlers/types";

const FOLDER = /^(.+)-[A-Za-z0-9]{6}$/;

// The scratch folder prefix of a job (what run-job passes to mkdtemp).
export function scratchPrefix(jobId: string): string {
  return `${jobId.replace(/[^\w-]/g, "_")}-`;
}

// Removes the folders of jobs this worker does not run; call before it claims anything.
// Returns how many went.
export async function sweepScratch(deps: WorkerDeps, now = Date.now()): Promise<number> {
  const { store, options } = deps;
  let names: string[];
  try {
    names = await readdir(options.tmpRoot);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const id = FOLDER.exec(name)?.[1];
    if (!id) continue;
    const job = await store.get(id);
    const heldElsewhere =
      job?.status === "processing" &&
      job.leaseOwner !== null &&
      job.leaseOwner !== options.workerId &&
      (job.leaseExpiresAt ?? 0) > now;
    if (heldElsewhere) continue;
    await rm(join(options.tmpRoot, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
