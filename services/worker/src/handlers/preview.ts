// `preview`: an edit recipe → a short MP3, cached in storage by a hash of (audio, recipe).
import { join } from "node:path";
import type { JsonObject } from "@efs/core/jobs/types";
import { parseRecipe, recipeDuration, recipeHash } from "../media/recipe";
import { renderEdit } from "../media/render-edit";
import { getFile, putFile } from "../storage-io";
import { decoding } from "./prepare-audio";
import { resolveAudio } from "./resolve-audio";
import type { JobHandler } from "./types";

// Renders (or reuses) the preview for the job's recipe.
export const previewHandler: JobHandler = async (job, deps, run) => {
  const audio = await resolveAudio(deps.store, job.payload.audioId);
  const recipe = parseRecipe(job.payload.recipe, audio.durationSec);
  const hash = recipeHash(audio.keys.master, recipe, "preview");
  const previewKey = `previews/${hash}.mp3`;
  const durationSec = Math.round(recipeDuration(recipe.clips) * 1000) / 1000;
  const result = { previewKey, durationSec, recipeHash: hash };
  if (await deps.storage.stat(previewKey)) {
    return { kind: "complete", result: { ...result, cached: true } as JsonObject };
  }
  const src = join(run.tmpDir, "master");
  const out = join(run.tmpDir, "preview.mp3");
  await getFile(deps.storage, audio.keys.master, src, run.signal);
  await decoding("render the preview", () =>
    renderEdit(src, out, recipe.clips, {
      kind: "mp3-preview",
      normalize: recipe.normalize,
      signal: run.signal,
    }),
  );
  await putFile(deps.storage, previewKey, out, "audio/mpeg");
  return { kind: "complete", result: { ...result, cached: false } as JsonObject };
};
