// Storage keys inside job results (`videoKey`, `thumbnailKey`, `previewKey`, `keys.master`, …)
// are checked like any other key before a result is stored: a result is later turned into
// signed URLs for everyone who lists the library, so one bad key must never get that far.
import { isValidKey } from "../storage/keys";
import type { JobType } from "./types";

/** A storage key found in a result, with the path it was found at (`result.keys.master`). */
export interface ResultKey {
  readonly path: string;
  readonly value: unknown;
}

// Every storage-key field of `result`: properties named `…Key` and the members of `keys`.
export function resultKeys(result: Record<string, unknown>): ResultKey[] {
  const out: ResultKey[] = [];
  for (const [name, value] of Object.entries(result)) {
    if (name.endsWith("Key")) out.push({ path: `result.${name}`, value });
    if (name === "keys" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) out.push({ path: `result.keys.${k}`, value: v });
    }
  }
  return out;
}

// The folder a job's renderer output must live in.
export function renderFolder(jobId: string): string {
  return `renders/${jobId}/`;
}

// What is wrong with the keys of `result`, or null when every key is valid. With `job`, a
// render's keys (written by the renderer) must also stay inside `renders/<job id>/`.
export function resultKeyProblem(
  result: Record<string, unknown>,
  job?: { id: string; type: JobType },
): string | null {
  for (const { path, value } of resultKeys(result)) {
    if (value === undefined) continue;
    if (typeof value !== "string" || !isValidKey(value)) {
      return `${path} is not a valid storage key (${JSON.stringify(value)?.slice(0, 80)}): keys are relative, start with an allowed prefix and have no "." or ".." segment`;
    }
    if (job?.type === "render" && !value.startsWith(renderFolder(job.id))) {
      return `${path} must be under "${renderFolder(job.id)}" (got ${JSON.stringify(value.slice(0, 80))})`;
    }
  }
  return null;
}
