// The job the capture page fetches from its server (GET /job.json): everything a frame needs.
import type { AudioFeatures } from "@efs/core/audio/features";
import type { RenderQuality } from "@efs/core/quality";
import type { Projection } from "@efs/visual/api";
import type { I420Conversion } from "@efs/visual/readback";

export type CaptureMode = "webcodecs" | "raw" | "draw-only" | "screenshot";

export interface CaptureJob {
  config: unknown;
  features: AudioFeatures;
  fps: number;
  /** Size of one eye's image (the output is taller for top-bottom stereo). */
  width: number;
  height: number;
  projection: Projection;
  stereo: "mono" | "top-bottom";
  /** Bits per second for in-page WebCodecs encoding. */
  bitrate: number;
  /** Keyframe interval in frames. */
  gop: number;
  markers?: Array<{ direction: [number, number, number]; color: string }>;
  /** Draft or final drawing (visual/api.ts); absent: draft. */
  quality?: RenderQuality;
  /**
   * "canvas": frames are drawn into canvases on the page (draw-only, screenshots, pixels).
   * "offscreen": frames are drawn offscreen and read back for the capture modes.
   */
  output: "canvas" | "offscreen";
  /**
   * Where I420 is made. "gpu": a shader pass, for both modes. "cpu": WebCodecs is given RGBA
   * and converts on its encoder thread; raw frames are converted in JS. "auto": cpu under a
   * software rasteriser, else gpu.
   */
  i420Conversion?: I420Conversion | "auto";
}

export type { I420Conversion };

export interface PageInfo {
  webglRenderer: string;
  webglVendor: string;
  /** The avc1 codec string WebCodecs accepted for this size, or null. */
  webcodecsCodec: string | null;
  /** Where this page converts frames to I420 (null for "canvas" jobs). */
  i420Conversion: I420Conversion | null;
}

export interface RunResult {
  frames: number;
  ms: number;
}
