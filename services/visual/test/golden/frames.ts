// Golden frames: one still per preset at 320×180, frame 45 of the synthetic features.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RenderFormat } from "@efs/core/formats";

export const GOLDEN_DIR = fileURLToPath(new URL(".", import.meta.url));
export const GOLDEN_FRAME = 45;
export const GOLDEN_FORMAT: RenderFormat = {
  name: "golden-180p",
  width: 320,
  height: 180,
  projection: "flat",
  stereo: "mono",
  videoKbps: 500,
  gpu: false,
};
/** Minimum PSNR (dB) against the stored frame: SwiftShader is deterministic, so any real
 * change to a preset's look drops far below this; small float drift does not. */
export const GOLDEN_MIN_PSNR = 30;

export const goldenPath = (preset: string) => join(GOLDEN_DIR, `${preset}.png`);
