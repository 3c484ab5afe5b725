// GET /api/jobs/:id: one job's live status, with signed download URLs once complete.

import { TERMINAL_STATUSES } from "@efs/core/jobs/types";
import { json } from "../../../../lib/api/errors";
import { route } from "../../../../lib/api/route";
import { requireJob } from "../../../../lib/jobs/lookup";
import { toJobView } from "../../../../lib/jobs/view";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("studio", async (_req, ctx, { id }) => {
  const job = await requireJob(ctx.jobs, id);
  const position = job.status === "pending" ? await ctx.jobs.queuePosition(job.id) : null;
  return json({ job: await toJobView(ctx.storage, job, position) });
});

// DELETE /api/jobs/:id: cancels the job if it still runs and deletes the objects it owns
// (`uploads/<id>/`, `audio/<id>/`, `renders/<id>/`). The job row stays, finished, for history.
// `efs smoke` uses it to clean up after itself.
export const DELETE = route<{ id: string }>("studio", async (_req, ctx, { id }) => {
  const job = await requireJob(ctx.jobs, id);
  if (!TERMINAL_STATUSES.includes(job.status)) await ctx.jobs.cancel(id);
  let objects = 0;
  for (const prefix of [`uploads/${id}/`, `audio/${id}/`, `renders/${id}/`]) {
    objects += await ctx.storage.deletePrefix(prefix);
  }
  const now = (await ctx.jobs.get(id)) ?? job;
  return json({ job: await toJobView(ctx.storage, now, null), deleted: { objects } });
});
