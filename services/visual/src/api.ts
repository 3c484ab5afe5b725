// The visual engine's public surface, used by the web app's live preview and by the
// renderer's capture page (one code path, so preview == render).
import type { AudioFeatures } from "@efs/core/audio/features";

export type Projection = "flat" | "equirect";
export type Eye = "mono" | "left" | "right";

export interface CreateVisualOptions {
  /** A validated VisualConfig (see config.ts). */
  config: unknown;
  features: AudioFeatures;
  fps: number;
  width: number;
  height: number;
  projection: Projection;
  eye?: Eye;
}

export interface VisualRenderer {
  /** Draws frame `index` (a pure function of index, fps, features and config). */
  renderFrame(index: number): void;
  /** Live preview: draws at a time in seconds (fractional frame, same math). */
  renderAt(timeSec: number): void;
  resize(width: number, height: number): void;
  dispose(): void;
}
