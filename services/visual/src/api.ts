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
  /** Draw into this canvas (default: a new one; the web preview passes its own). */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
  /** Small bright spheres at fixed view directions (calibration / projection tests). */
  markers?: Array<{ direction: [number, number, number]; color: string }>;
}

export interface VisualRenderer {
  /** Draws frame `index` (a pure function of index, fps, features and config). */
  renderFrame(index: number): void;
  /** Live preview: draws at a time in seconds (fractional frame, same math). */
  renderAt(timeSec: number): void;
  resize(width: number, height: number): void;
  /** The canvas drawn into (its WebGL2 context is the one used). */
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  dispose(): void;
}
