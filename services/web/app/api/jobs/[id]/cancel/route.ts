// POST /api/jobs/:id/cancel: cancels a pending or running job (and deletes an ingest's upload
// and partial files); 409 once it has finished.
import { discardJobFiles } from "@efs/core/jobs/owned-objects";
import { TERMINAL_STATUSES } from "@efs/core/jobs/types";
import { ApiError, json } from "../../../../../lib/api/errors";
import { route } from "../../../../../lib/api/route";
import { requireJob } from "../../../../../lib/jobs/lookup";
import { toJobView } from "../../../../../lib/jobs/view";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>("studio", async (_req, ctx, { id }) => {
  const job = await requireJob(ctx.jobs, id);
  const applied = !TERMINAL_STATUSES.includes(job.status) && (await ctx.jobs.cancel(id));
  const now = (await ctx.jobs.get(id)) ?? job;
  if (!applied) {
    throw new ApiError(
      409,
      "conflict",
      `Job ${id} is already ${now.status}; there is nothing to cancel.`,
    );
  }
  // A cancelled ingest keeps neither its upload nor partial files (a running worker also
  // deletes what it writes after noticing the cancel).
  await discardJobFiles(ctx.storage, job, { ended: true });
  return json({ job: await toJobView(ctx.storage, now, null) });
});
