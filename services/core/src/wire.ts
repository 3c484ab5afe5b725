// The wire contracts between the studio's processes, defined once (ARCHITECTURE.md "Wire
// contracts"; the JSON fixtures in contracts/ are read by these types' tests and by the Modal
// app's Python tests): the renderer submit and status calls (worker → local renderer or Modal)
// and the render webhook (renderer → web). Job payloads and results are in ./jobs/payloads,
// render progress in ./render-progress. The web app validates the webhook with its own zod
// schemas at its HTTP edge (services/web/lib/webhook.ts; its result schema is typed as RenderResult).
import {
  isRenderFormat,
  RENDER_FORMAT_NAMES,
  RENDER_FORMATS,
  type RenderFormatName,
} from "./formats";
import type { RenderResult } from "./jobs/payloads";
import { isRenderQuality, RENDER_QUALITIES, type RenderQuality } from "./quality";
import { parseRendererProgress, type RendererProgress } from "./render-progress";

// --- submit: POST <submit url> (contracts/modal-submit.json) ---------------------------------

/** The job id of the provisioning checklist's health ping ({config: {}, job_id: "test-ping"}). */
export const RENDER_PING_JOB_ID = "test-ping";

/** What the worker sends; answered with {call_id, job_id, gpu}. */
export interface RenderSubmitBody {
  auth_token: string;
  job_id: string;
  config: {
    preset: string;
    format: string;
    fps?: number;
    quality?: RenderQuality;
    durationSec?: number;
    visual?: Record<string, unknown>;
    /** Signed URL of the ingest's audio features when their frame rate matches (Modal only). */
    featuresUrl?: string;
  };
  audio_url: string;
  output_key: string;
  webhook_url: string;
  webhook_token: string;
  /** A GPU type for Modal (e.g. "L40S"); absent: Modal's choice. */
  gpu?: string;
}

/** A submit body as the renderer reads it (parseRenderSubmit). */
export interface RenderRequest {
  jobId: string;
  preset: string;
  format: RenderFormatName;
  fps: 30 | 60;
  /** Absent: the format's default (core/quality.ts). */
  quality?: RenderQuality;
  durationSec?: number;
  visual?: unknown;
  audioUrl: string;
  outputKey: string;
  webhookUrl: string;
  webhookToken: string;
}

/** A request the receiver refuses: the HTTP status to answer and why. */
export class WireError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function str(body: Obj, key: string): string {
  const v = body[key];
  if (typeof v !== "string" || v.trim() === "")
    throw new WireError(400, `${key} is required (a non-empty string)`);
  return v;
}

function url(body: Obj, key: string): string {
  const v = str(body, key);
  try {
    const u = new URL(v);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new WireError(400, `${key} must be an http(s) URL`);
  }
  return v;
}

// True for the checklist's health ping.
export function isRenderPing(body: Obj): boolean {
  return (
    body.job_id === RENDER_PING_JOB_ID &&
    isObj(body.config) &&
    Object.keys(body.config).length === 0
  );
}

// Parses a submit body (token already checked) into a RenderRequest; WireError(400) names the
// field. `presetIds`: the presets the receiver draws (@efs/visual's PRESET_IDS).
export function parseRenderSubmit(body: unknown, presetIds: readonly string[]): RenderRequest {
  if (!isObj(body)) throw new WireError(400, "body must be a JSON object");
  const jobId = str(body, "job_id");
  const config = body.config;
  if (!isObj(config)) throw new WireError(400, "config must be an object {preset, format, fps?}");
  const preset = config.preset ?? "ethereal-flame";
  if (typeof preset !== "string" || !presetIds.includes(preset))
    throw new WireError(400, `config.preset must be one of ${presetIds.join(", ")}`);
  if (!isRenderFormat(config.format)) {
    throw new WireError(400, `config.format must be one of ${RENDER_FORMAT_NAMES.join(", ")}`);
  }
  const fps = config.fps ?? 30;
  if (fps !== 30 && fps !== 60) throw new WireError(400, "config.fps must be 30 or 60");
  const d = config.durationSec;
  if (d !== undefined && (typeof d !== "number" || !(d > 0))) {
    throw new WireError(400, "config.durationSec must be a positive number");
  }
  const quality = config.quality;
  if (quality !== undefined && !isRenderQuality(quality)) {
    throw new WireError(400, `config.quality must be one of ${RENDER_QUALITIES.join(", ")}`);
  }
  if (config.visual !== undefined && !isObj(config.visual))
    throw new WireError(400, "config.visual must be an object");
  return {
    jobId,
    preset,
    format: RENDER_FORMATS[config.format].name as RenderFormatName,
    fps,
    ...(quality ? { quality } : {}),
    durationSec: d as number | undefined,
    visual: config.visual,
    audioUrl: url(body, "audio_url"),
    outputKey: str(body, "output_key"),
    webhookUrl: url(body, "webhook_url"),
    webhookToken: str(body, "webhook_token"),
  };
}

// --- status: GET <status url>?call_id=… (contracts/modal-status.json) ------------------------

export const RENDER_CALL_STATUSES = ["running", "completed", "failed", "unknown"] as const;
export type RenderCallStatus = (typeof RENDER_CALL_STATUSES)[number];

/** A render call's state as the renderer answers it. */
export interface RenderStatusBody {
  status: RenderCallStatus;
  /** A completed call's RenderResult (checked by the web's webhook when it is applied). */
  result?: Record<string, unknown>;
  error?: string;
  /** Stage and frames done/total of a running render (absent when not reported or malformed). */
  progress?: RendererProgress;
}

// Reads a status answer: an unexpected status becomes "unknown" with the reason; a malformed
// progress is dropped (a progress report never fails a render).
export function parseRenderStatus(json: Obj): RenderStatusBody {
  const status = json.status;
  if (typeof status !== "string" || !(RENDER_CALL_STATUSES as readonly string[]).includes(status)) {
    return {
      status: "unknown",
      error: `renderer answered an unexpected status ${JSON.stringify(status)}`,
    };
  }
  const progress = status === "running" ? parseRendererProgress(json.progress) : null;
  return {
    status: status as RenderCallStatus,
    ...(json.result && typeof json.result === "object"
      ? { result: json.result as Record<string, unknown> }
      : {}),
    ...(typeof json.error === "string" ? { error: json.error } : {}),
    ...(progress ? { progress } : {}),
  };
}

// --- webhook: POST <app>/api/webhooks/worker (contracts/webhook.json) ------------------------

/** A finished render, reported by the renderer with `Authorization: Bearer <job token>`. */
export type WebhookBody =
  | { jobId: string; status: "complete"; result: RenderResult }
  | { jobId: string; status: "failed"; error: string };
