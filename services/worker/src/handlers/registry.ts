// The job types this worker runs, by name.
import type { JobType } from "@efs/core/jobs/types";
import { ingestHandler } from "./ingest";
import { previewHandler } from "./preview";
import { renderHandler } from "./render";
import { saveHandler } from "./save";
import type { JobHandler } from "./types";

export const HANDLERS: Readonly<Record<JobType, JobHandler>> = Object.freeze({
  ingest: ingestHandler,
  preview: previewHandler,
  save: saveHandler,
  render: renderHandler,
});
