// Render quality: part of the wire contract (web → worker → renderer/Modal) and of the
// visual engine's options. "draft" draws the particles and the fire detail at 0.4 of the
// output resolution over a baked sky (fast: previews, local checks); "final" draws them at
// the output resolution with the stars computed per output pixel, so a 4K frame holds detail
// a 1080p one cannot (docs/rendering.md has the costs). 360 output is drawn at the output
// resolution either way.

export const RENDER_QUALITIES = ["draft", "final"] as const;
export type RenderQuality = (typeof RENDER_QUALITIES)[number];

export function isRenderQuality(v: unknown): v is RenderQuality {
  return typeof v === "string" && (RENDER_QUALITIES as readonly string[]).includes(v);
}

// The quality a render uses when none is asked for: "final" where draft would be an upscale
// (above 1080p: 4K and 360), "draft" up to 1080p.
export function defaultQuality(format: { width: number; height: number }): RenderQuality {
  return Math.max(format.width, format.height) > 1920 ? "final" : "draft";
}
