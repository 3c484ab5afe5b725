// How a render is named for people: its title ("My Song · Ethereal Flame · 1080p landscape"),
// its format in words, and the file name a download gets (my-song-ethereal-flame-1080p-landscape.mp4).
import { isPresetId, presetLabel } from "@efs/visual/presets";

const FORMAT_LABELS: Record<string, string> = {
  "preview-360p": "360p preview",
  "flat-1080p-landscape": "1080p landscape",
  "flat-1080p-portrait": "1080p portrait",
  "flat-1080p-square": "1080p square",
  "flat-4k-landscape": "4K landscape",
  "flat-4k-portrait": "4K portrait",
  "360-mono-4k": "360° 4K",
  "360-mono-8k": "360° 8K",
  "360-stereo-8k": "360° 3D 8K",
};

// "flat-1080p-landscape" → "1080p landscape"; a format without a label reads as its name.
export function formatLabel(format: string): string {
  return (
    FORMAT_LABELS[format] ??
    format
      .replace(/^flat-/, "")
      .replace(/^360-/, "360° ")
      .replace(/-/g, " ")
      .replace(/(\d)k\b/g, "$1K")
  );
}

// "Ethereal Flame" for a preset id (the id itself when unknown).
function presetName(preset: string): string {
  return isPresetId(preset) ? presetLabel(preset) : preset;
}

// The title a render is listed under.
export function renderTitle(track: string | null, preset: string, format: string): string {
  return [track, presetName(preset), formatLabel(format)].filter(Boolean).join(" · ");
}

// A file name from a title: lower case, letters and digits (any script) joined by dashes.
export function fileNameFor(title: string, ext: string, fallback = "render"): string {
  const slug = title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 120)
    .replace(/-+$/, "");
  return `${slug || fallback}${ext}`;
}
