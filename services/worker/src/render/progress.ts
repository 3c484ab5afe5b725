// Copies a running render's progress (stage, frames done/total, ETA) from the renderer's status
// endpoint into the job's `progress`, so the UI's bar moves. Written with the dispatch's call id
// as the compare-and-set key: a render that finished or was cancelled meanwhile is left alone.
// The percent never goes back (a report from a slower chunk cannot shrink the bar).
import type { JobProgress } from "@efs/core/jobs/types";
import { toJobProgress } from "@efs/core/render-progress";
import type { WorkerDeps } from "../handlers/types";
import { fetchRenderStatus } from "./status";

// One pass over the dispatched renders of this worker's renderer backend.
export async function pollRenderProgress(deps: WorkerDeps): Promise<void> {
  const { store, options } = deps;
  const target = options.render.target;
  for (const job of await store.listDispatched()) {
    const d = job.dispatch;
    if (!d || d.backend !== target.backend) continue;
    let status: Awaited<ReturnType<typeof fetchRenderStatus>>;
    try {
      status = await fetchRenderStatus(target, d.callId);
    } catch {
      continue; // the reconciler reports a renderer it cannot reach
    }
    if (status.status !== "running" || !status.progress) continue;
    const next = toJobProgress(status.progress);
    const prev = job.progress;
    const merged: JobProgress = {
      ...next,
      percent: Math.max(next.percent ?? 0, prev?.percent ?? 0),
    };
    if (JSON.stringify(merged) !== JSON.stringify(prev)) {
      await store.setDispatchProgress(job.id, d.callId, merged);
    }
  }
}
