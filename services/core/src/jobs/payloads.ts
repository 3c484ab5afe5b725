// Job payload and result shapes per job type: what the web app writes into `payload` and what
// the worker (or the renderer's webhook) writes into `result`. Part of the web ↔ worker contract.
import type { RenderFormatName } from "../formats";
import type { RenderQuality } from "../quality";

/** Where an ingest gets its audio: an object the browser uploaded, or a URL to fetch. */
export type IngestSource =
  | { kind: "upload"; key: string; filename: string; contentType: string; size: number }
  | { kind: "url"; url: string };

export interface IngestPayload {
  source: IngestSource;
  /** Display title chosen by the user (defaults to the file name or URL). */
  title?: string;
}

/** Storage keys of everything an ingest (or a save) produces for one audio item. */
export interface PreparedAudioKeys {
  /** The file as uploaded/downloaded. */
  original?: string;
  /** Normalized master, 48 kHz (what renders use). */
  master: string;
  /** Browser streaming rendition (e.g. AAC in M4A or MP3). */
  stream: string;
  /** Waveform peaks JSON: `{ peaks: number[] }` (0..1, evenly spaced over the track). */
  peaks?: string;
  /** Per-frame AudioFeatures JSON (audio/features.ts) at `featuresFps`. */
  features?: string;
}

export interface IngestResult {
  title: string;
  durationSec: number;
  sampleRate: number;
  channels: number;
  codec: string;
  keys: PreparedAudioKeys;
  featuresFps?: number;
}

/** One kept region of the source, in seconds of the prepared master. */
export interface EditClip {
  start: number;
  end: number;
  /** Linear gain, 1 = unchanged. */
  volume?: number;
  fadeIn?: number;
  fadeOut?: number;
}

export interface EditRecipe {
  clips: EditClip[];
  /** Loudness normalization (EBU R128, two-pass for `save`). */
  normalize?: boolean;
}

export interface PreviewPayload {
  /** Id of the completed ingest (or save) job whose audio is edited. */
  audioId: string;
  recipe: EditRecipe;
}

export interface PreviewResult {
  previewKey: string;
  durationSec: number;
  /** Hash of the recipe the preview was cached under. */
  recipeHash?: string;
}

export interface SavePayload {
  audioId: string;
  recipe: EditRecipe;
  format: "wav" | "m4a";
  title?: string;
}

/** A save produces a new prepared audio item (it appears in the library like an ingest). */
export type SaveResult = IngestResult;

export interface RenderPayload {
  audioId: string;
  /** What the render is listed and downloaded as ("My Song · Ethereal Flame · 1080p landscape"). */
  title?: string;
  /** Visual preset name (services/visual presets). */
  preset: string;
  format: RenderFormatName;
  fps: 30 | 60;
  /**
   * Draft or final (core/quality.ts). The web app records the one used (the format's
   * default when none was asked for), so the UI can say which; absent in older jobs: the
   * format's default.
   */
  quality?: RenderQuality;
  /** Seconds from the start of the track; null/absent renders the whole track. */
  durationSec?: number | null;
  /** Optional overrides of the preset's visual config (validated by services/visual). */
  visual?: Record<string, unknown>;
}

/** Same shape as the webhook's `result` (contracts/webhook.json); a type alias so that it is
 * also a plain JSON record (RenderStatusBody.result). */
export type RenderResult = {
  videoKey: string;
  format: string;
  durationSeconds: number;
  thumbnailKey?: string;
};
