// Parses `efs render` flags into renderer options; errors name the flag and the fix.
import { RENDER_FORMAT_NAMES } from "@efs/core/formats";
import { isRenderQuality, RENDER_QUALITIES, type RenderQuality } from "@efs/core/quality";
import { usageError } from "../../errors";

export interface RenderArgs {
  audio: string;
  preset: string;
  format: string;
  fps: number;
  /** Absent: the format's default (final above 1080p, else draft). */
  quality?: RenderQuality;
  durationSec?: number;
  from?: number;
  to?: number;
  visualFile?: string;
  concat?: string[];
  gpu: boolean | "auto";
  capture: "auto" | "webcodecs" | "raw";
  out: string;
}

function intFlag(raw: unknown, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw usageError(
      `${flag} must be a whole number ≥ 0 (got ${String(raw)})`,
      `pass e.g. ${flag} 150`,
    );
  return n;
}

// Validates raw commander options.
export function parseRenderArgs(o: Record<string, unknown>): RenderArgs {
  const fps = Number(o.fps ?? 30);
  if (fps !== 30 && fps !== 60)
    throw usageError(`--fps must be 30 or 60 (got ${String(o.fps)})`, "pass --fps 30 or --fps 60");
  let durationSec: number | undefined;
  if (o.duration !== undefined) {
    durationSec = Number(o.duration);
    if (!(durationSec > 0))
      throw usageError(
        `--duration must be a positive number of seconds (got ${String(o.duration)})`,
        "pass e.g. --duration 10",
      );
  }
  const format = String(o.format);
  if (!(RENDER_FORMAT_NAMES as string[]).includes(format)) {
    throw usageError(
      `unknown format "${format}"`,
      `pass --format with one of ${RENDER_FORMAT_NAMES.join(", ")}`,
    );
  }
  if (o.quality !== undefined && !isRenderQuality(o.quality)) {
    throw usageError(
      `--quality must be ${RENDER_QUALITIES.join(" or ")} (got ${String(o.quality)})`,
      "pass --quality draft for a quick look or --quality final for the video to publish",
    );
  }
  const capture = String(o.capture ?? "auto");
  if (capture !== "auto" && capture !== "webcodecs" && capture !== "raw") {
    throw usageError(
      `--capture must be auto, webcodecs or raw (got ${capture})`,
      "pass --capture auto",
    );
  }
  return {
    audio: String(o.audio),
    preset: String(o.preset),
    format,
    fps,
    quality: o.quality as RenderQuality | undefined,
    durationSec,
    from: intFlag(o.from, "--from"),
    to: intFlag(o.to, "--to"),
    visualFile: typeof o.visual === "string" ? o.visual : undefined,
    concat: Array.isArray(o.concat) ? (o.concat as string[]) : undefined,
    gpu: o.gpu === undefined ? "auto" : o.gpu === true,
    capture,
    out: String(o.out),
  };
}
