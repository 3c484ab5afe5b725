// The job types this worker runs, by name. Each handler module is loaded on first use, so a
// worker that only ingests never loads the render client (as the CLI loads commands lazily).
import type { JobType } from "@efs/core/jobs/types";
import type { JobHandler } from "./types";

const lazy =
  (load: () => Promise<JobHandler>): JobHandler =>
  async (job, deps, run) =>
    (await load())(job, deps, run);

export const HANDLERS: Readonly<Record<JobType, JobHandler>> = Object.freeze({
  ingest: lazy(async () => (await import("./ingest")).ingestHandler),
  preview: lazy(async () => (await import("./preview")).previewHandler),
  save: lazy(async () => (await import("./save")).saveHandler),
  render: lazy(async () => (await import("./render")).renderHandler),
});
