// GET /api/jobs/:id: one job's live status, with signed download URLs once complete.
// DELETE /api/jobs/:id: deletes a job (see lib/jobs/delete): a track with its renders and edit
// previews, running work cancelled first, its objects removed; `?dryRun=1` only answers the plan.
// An id that is only an unconfirmed upload (no job yet) gets its upload removed.
import { ApiError, json } from "../../../../lib/api/errors";
import { route } from "../../../../lib/api/route";
import { deleteJobs, planDeletion } from "../../../../lib/jobs/delete";
import { requireJob } from "../../../../lib/jobs/lookup";
import { toJobView } from "../../../../lib/jobs/view";
import { uploadIdOf } from "../../../../lib/uploads";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("studio", async (_req, ctx, { id }) => {
  const job = await requireJob(ctx.jobs, id);
  const position = job.status === "pending" ? await ctx.jobs.queuePosition(job.id) : null;
  return json({ job: await toJobView(ctx.storage, job, position) });
});

export const DELETE = route<{ id: string }>("studio", async (req, ctx, { id }) => {
  const dryRun = ["1", "true"].includes(new URL(req.url).searchParams.get("dryRun") ?? "");
  const job = await ctx.jobs.get(id).catch(() => null);
  if (!job && !dryRun && uploadIdOf(`uploads/${id}/x`)) {
    const prefix = `uploads/${id}/`;
    let bytes = 0;
    for await (const o of ctx.storage.list(prefix)) bytes += o.size;
    const objects = await ctx.storage.deletePrefix(prefix);
    if (objects > 0) return json({ deleted: { jobs: [], objects, bytes } });
  }
  const found = await requireJob(ctx.jobs, id);
  const { plan, targets } = await planDeletion(ctx, found);
  if (dryRun) return json({ plan });
  const deleted = await deleteJobs(ctx, targets).catch((err: unknown) => {
    throw new ApiError(409, "conflict", `${(err as Error).message}; try again.`);
  });
  console.log(
    `[Web] Deleted ${found.type} ${found.id} (${deleted.jobs.length} job(s), ${deleted.objects} object(s))`,
  );
  return json({ plan, deleted });
});
