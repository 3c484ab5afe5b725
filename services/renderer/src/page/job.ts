// The job the capture page fetches from its server (GET /job.json): everything a frame needs.
import type { AudioFeatures } from "@efs/core/audio/features";
import type { Projection } from "@efs/visual/api";

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
}

export interface PageInfo {
  webglRenderer: string;
  webglVendor: string;
  /** The avc1 codec string WebCodecs accepted for this size, or null. */
  webcodecsCodec: string | null;
}

export interface RunResult {
  frames: number;
  ms: number;
}
