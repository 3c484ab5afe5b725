// /api/jobs: GET lists jobs (filter by type/status/title/track, paginated) with live status; POST creates
// an ingest (confirmed upload or URL), preview, save or render job.
import { JOB_STATUSES, JOB_TYPES } from "@efs/core/jobs/types";
import { z } from "zod";
import { readJson } from "../../../lib/api/body";
import { json } from "../../../lib/api/errors";
import { route } from "../../../lib/api/route";
import { validate } from "../../../lib/api/validate";
import { createJob } from "../../../lib/jobs/create";
import { createJobSchema, jobIdSchema } from "../../../lib/jobs/schemas";
import { toJobView } from "../../../lib/jobs/view";
import { MAX_LIST_LIMIT } from "../../../lib/limits";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(200)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

const listQuery = z.object({
  type: csv(JOB_TYPES).optional(),
  status: csv(JOB_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  audioId: jobIdSchema.optional(),
});

export const GET = route("studio", async (req, ctx) => {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const q = validate(listQuery, params);
  const { jobs, nextCursor } = await ctx.jobs.list({
    limit: q.limit,
    ...(q.type ? { type: q.type } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
    ...(q.q ? { titleContains: q.q } : {}),
    ...(q.audioId ? { audioId: q.audioId } : {}),
  });
  const views = await Promise.all(
    jobs.map(async (job) =>
      toJobView(
        ctx.storage,
        job,
        job.status === "pending" ? await ctx.jobs.queuePosition(job.id) : null,
      ),
    ),
  );
  return json({ jobs: views, nextCursor });
});

export const POST = route("studio", async (req, ctx) => {
  const input = validate(createJobSchema, await readJson(req));
  const { job, created } = await createJob(ctx, input);
  const position = job.status === "pending" ? await ctx.jobs.queuePosition(job.id) : null;
  return json(
    { job: await toJobView(ctx.storage, job, position) },
    { status: created ? 201 : 200 },
  );
});
