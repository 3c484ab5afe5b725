// `save`: an edit recipe rendered to a new prepared audio item (master WAV or M4A, two-pass
// loudnorm when asked), with the same renditions as an ingest.
import { join } from "node:path";
import type { JsonObject } from "@efs/core/jobs/types";
import { PermanentJobError } from "../errors";
import { probeMedia } from "../media/probe";
import { parseRecipe } from "../media/recipe";
import { renderEdit } from "../media/render-edit";
import { getFile } from "../storage-io";
import { checkAudio, decoding, prepareAudio } from "./prepare-audio";
import { resolveAudio } from "./resolve-audio";
import type { JobHandler } from "./types";

// Renders the edit and prepares it like an ingest; result shape = IngestResult.
export const saveHandler: JobHandler = async (job, deps, run) => {
  const audio = await resolveAudio(deps.store, job.payload.audioId);
  const recipe = parseRecipe(job.payload.recipe, audio.durationSec);
  const format = job.payload.format ?? "wav";
  if (format !== "wav" && format !== "m4a") {
    throw new PermanentJobError(
      `payload.format must be "wav" or "m4a" (got ${JSON.stringify(format)})`,
    );
  }
  const src = join(run.tmpDir, "source");
  const edited = join(run.tmpDir, "edited.wav");
  await getFile(deps.storage, audio.keys.master, src, run.signal);
  await run.progress({ stage: "edit", percent: 10 });
  await decoding("render the edit", () =>
    renderEdit(src, edited, recipe.clips, {
      kind: "wav",
      normalize: recipe.normalize,
      signal: run.signal,
    }),
  );
  const info = await probeMedia(edited, run.signal);
  checkAudio(info, deps.options.ingest.maxDurationSec);
  const title =
    typeof job.payload.title === "string" && job.payload.title
      ? job.payload.title
      : `${audio.title} (edit)`;
  const result = await prepareAudio(
    { id: job.id, title, sourcePath: edited, info, keys: {}, masterFormat: format },
    deps,
    run,
  );
  return { kind: "complete", result: { ...result, recipe } as unknown as JsonObject };
};
