// GET /api/jobs/:id: one job's live status, with signed download URLs once complete.

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
