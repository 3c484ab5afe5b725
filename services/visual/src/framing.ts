// Flat output's camera: as close as the config's camera.distance, further back when the
// flames' reach (at the loudest drive and strongest beat) would not fit the frame at this
// aspect ratio, and aimed at the middle of that reach. So a portrait or square frame shows
// the whole flame, and tips stay inside on beats.
import type { VisualConfig } from "./config";
import { layerExtent } from "./particles";

/** The reach must fit inside this fraction of the frame's half-width and half-height. */
const FILL = 0.98;
/** Mist fades out softly; only this much of its reach has to be inside the frame. */
const MIST_CORE = 0.5;

export interface Framing {
  /** Camera distance from the flame's axis (scene units). */
  distance: number;
  /** Height the camera looks at (and stands at). */
  lookY: number;
  /** The flames' reach on their plane (scene units): centre and half-extents. */
  reach: { x: number; y: number; halfWidth: number; halfHeight: number };
}

// Where the camera stands for an output of `aspect` (width / height).
export function frameScene(config: VisualConfig, aspect: number): Framing {
  let top = 0.4;
  let bottom = 0.4;
  let halfWidth = 0;
  for (const l of config.layers) {
    const e = layerExtent(l);
    if (!e) continue;
    const k = l.mode === "mist" ? MIST_CORE : 1;
    top = Math.max(top, e.top * k);
    bottom = Math.min(bottom, e.bottom * k);
    halfWidth = Math.max(halfWidth, e.halfWidth * k);
  }
  const tanY = Math.tan((config.camera.fov * Math.PI) / 360);
  // Particles on the near side of the flame stand up to halfWidth closer to the camera.
  const distance = Math.max(
    config.camera.distance,
    (top - bottom) / 2 / (tanY * FILL) + halfWidth / 2,
    halfWidth / (tanY * aspect * FILL) + halfWidth / 2,
  );
  const lookY = (top + bottom) / 2;
  return { distance, lookY, reach: { x: 0, y: lookY, halfWidth, halfHeight: (top - bottom) / 2 } };
}
