// The visual engine's public surface, used by the web app's live preview and by the
// renderer's capture page (one code path, so preview == render).
import type { AudioFeatures } from "@efs/core/audio/features";
import type { RenderQuality } from "@efs/core/quality";

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
  /**
   * "canvas" (default) draws into the canvas. "offscreen" draws into a target at
   * width×height for renderPixels (the canvas stays 1×1): the capture path.
   */
  output?: "canvas" | "offscreen";
  /**
   * "draft" (default): particles and fire detail at 0.4 of the output resolution, stars
   * baked into the sky.
   * "final": particles and stars at the output resolution (slower; docs/rendering.md).
   */
  quality?: RenderQuality;
  /** Where renderPixels makes I420: "gpu" (shader pass, default) or "cpu" (RGBA + JS). */
  i420Conversion?: "gpu" | "cpu";
}

export interface VisualRenderer {
  /** Draws frame `index` (a pure function of index, fps, features and config). */
  renderFrame(index: number): void;
  /**
   * Draws frame `index` into `out` (`pixelBytes(format)` long), rows top-down: a yuv420p
   * frame (BT.709, limited range; the default) or RGBA. Only with `output: "offscreen"`.
   */
  renderPixels(index: number, out: Uint8Array, format?: "i420" | "rgba"): void;
  /** Bytes per frame for renderPixels (0 for output "canvas"). */
  pixelBytes(format?: "i420" | "rgba"): number;
  /** Live preview: draws at a time in seconds (fractional frame, same math). */
  renderAt(timeSec: number): void;
  resize(width: number, height: number): void;
  /** The canvas drawn into (its WebGL2 context is the one used). */
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  dispose(): void;
}
