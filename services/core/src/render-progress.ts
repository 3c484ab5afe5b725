// Render progress on the wire (contracts/modal-status.json, `progress` of a running call):
// the renderer's stage and frames done/total, from the local renderer and from Modal (where a
// chunked render reports the sum of its chunks). The worker turns it into the job's
// `progress` ({stage, percent, etaSec}) for the UI.
import type { JobProgress } from "./jobs/types";

export const RENDER_STAGES = ["starting", "rendering", "encoding", "uploading"] as const;
export type RenderStage = (typeof RENDER_STAGES)[number];

export interface RendererProgress {
  stage: RenderStage;
  framesDone: number;
  framesTotal: number;
  /** Seconds left in the current stage's work, when the renderer can tell. */
  etaSec?: number;
}

// Where each stage sits on the 0–100 bar: frames fill most of it; the mux and the upload
// after the last frame get the rest.
const BAND: Record<RenderStage, [number, number]> = {
  starting: [0, 2],
  rendering: [2, 90],
  encoding: [90, 96],
  uploading: [96, 99],
};

// Validates a `progress` object from a renderer; null when it is absent or malformed (a
// progress report never fails a render).
export function parseRendererProgress(v: unknown): RendererProgress | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const stage = o.stage;
  if (typeof stage !== "string" || !(RENDER_STAGES as readonly string[]).includes(stage)) {
    return null;
  }
  const done = o.framesDone;
  const total = o.framesTotal;
  if (!Number.isInteger(done) || !Number.isInteger(total)) return null;
  if ((done as number) < 0 || (total as number) < 0 || (done as number) > (total as number)) {
    return null;
  }
  const eta = o.etaSec;
  return {
    stage: stage as RenderStage,
    framesDone: done as number,
    framesTotal: total as number,
    ...(typeof eta === "number" && Number.isFinite(eta) && eta >= 0 ? { etaSec: eta } : {}),
  };
}

// The job's progress for a renderer report: the stage, a percent that only grows with the
// stage and frames, "120 / 300 frames" and the ETA when known.
export function toJobProgress(p: RendererProgress): JobProgress {
  const [lo, hi] = BAND[p.stage];
  const fraction = p.stage === "rendering" && p.framesTotal > 0 ? p.framesDone / p.framesTotal : 0;
  const percent = Math.round((lo + (hi - lo) * fraction) * 10) / 10;
  return {
    stage: p.stage,
    percent,
    ...(p.framesTotal > 0 ? { message: `${p.framesDone} / ${p.framesTotal} frames` } : {}),
    ...(p.etaSec !== undefined ? { etaSec: Math.round(p.etaSec) } : {}),
  };
}
