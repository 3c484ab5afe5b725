// Edit recipes (clips with start/end, volume, fades, optional loudness normalization):
// validation with messages naming the field, a stable hash for caching, and the ffmpeg graph.
import { createHash } from "node:crypto";
import type { EditClip, EditRecipe } from "@efs/core/jobs/payloads";
import { PermanentJobError } from "../errors";

export const MAX_CLIPS = 100;
/** Loudness target for normalize: EBU R128 streaming level. */
export const LOUDNORM = { I: -16, TP: -1.5, LRA: 11 } as const;

function num(v: unknown, field: string, min: number, max: number, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw new PermanentJobError(
      `${field} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`,
    );
  }
  return v;
}

// Validates a recipe against the source duration; returns it with defaults filled in.
export function parseRecipe(
  raw: unknown,
  sourceDurationSec: number,
): Required<EditRecipe> & {
  clips: Required<EditClip>[];
} {
  if (!raw || typeof raw !== "object") throw new PermanentJobError("payload.recipe is missing");
  const r = raw as { clips?: unknown; normalize?: unknown };
  if (!Array.isArray(r.clips) || r.clips.length === 0) {
    throw new PermanentJobError("recipe.clips must be a non-empty list of {start, end}");
  }
  if (r.clips.length > MAX_CLIPS)
    throw new PermanentJobError(`recipe.clips has more than ${MAX_CLIPS} clips`);
  const clips = r.clips.map((c: unknown, i) => {
    const f = `recipe.clips[${i}]`;
    const clip = (c ?? {}) as Record<string, unknown>;
    const start = num(clip.start, `${f}.start`, 0, sourceDurationSec);
    const end = num(clip.end, `${f}.end`, 0, sourceDurationSec + 0.001);
    if (end - start < 0.01) {
      throw new PermanentJobError(
        `${f}.end must be after ${f}.start (got start ${start}, end ${end})`,
      );
    }
    const len = end - start;
    const fadeIn = num(clip.fadeIn, `${f}.fadeIn`, 0, len, 0);
    const fadeOut = num(clip.fadeOut, `${f}.fadeOut`, 0, len, 0);
    if (fadeIn + fadeOut > len + 1e-9) {
      throw new PermanentJobError(
        `${f}: fadeIn + fadeOut (${fadeIn + fadeOut} s) is longer than the clip (${len} s)`,
      );
    }
    return { start, end, volume: num(clip.volume, `${f}.volume`, 0, 8, 1), fadeIn, fadeOut };
  });
  if (r.normalize !== undefined && typeof r.normalize !== "boolean") {
    throw new PermanentJobError("recipe.normalize must be true or false");
  }
  return { clips, normalize: r.normalize === true };
}

// Stable hash of (source, recipe): equal edits of the same audio share a cached preview.
export function recipeHash(sourceKey: string, recipe: EditRecipe, kind: string): string {
  const canonical = JSON.stringify({
    v: 1,
    kind,
    sourceKey,
    normalize: recipe.normalize === true,
    clips: recipe.clips.map((c) => [c.start, c.end, c.volume ?? 1, c.fadeIn ?? 0, c.fadeOut ?? 0]),
  });
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}

const n6 = (x: number) => Number(x.toFixed(6)).toString();

// The -filter_complex graph: trim each clip, gain, fades, concatenate → [out].
export function recipeFilter(clips: Required<EditClip>[], tail = ""): string {
  const parts = clips.map((c, i) => {
    const len = c.end - c.start;
    const chain = [
      `atrim=start=${n6(c.start)}:end=${n6(c.end)}`,
      "asetpts=PTS-STARTPTS",
      `volume=${n6(c.volume)}`,
    ];
    if (c.fadeIn > 0) chain.push(`afade=t=in:st=0:d=${n6(c.fadeIn)}`);
    if (c.fadeOut > 0) chain.push(`afade=t=out:st=${n6(len - c.fadeOut)}:d=${n6(c.fadeOut)}`);
    return `[0:a]${chain.join(",")}[c${i}]`;
  });
  const inputs = clips.map((_, i) => `[c${i}]`).join("");
  const concat = `${inputs}concat=n=${clips.length}:v=0:a=1${tail ? `,${tail}` : ""}[out]`;
  return [...parts, concat].join(";");
}

// Total output duration of a parsed recipe.
export function recipeDuration(clips: Required<EditClip>[]): number {
  return clips.reduce((s, c) => s + (c.end - c.start), 0);
}
