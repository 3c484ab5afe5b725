// Validation of the Modal-compatible submit body (contracts/modal-submit.json).
import {
  isRenderFormat,
  RENDER_FORMAT_NAMES,
  RENDER_FORMATS,
  type RenderFormatName,
} from "@efs/core/formats";
import { isRenderQuality, RENDER_QUALITIES, type RenderQuality } from "@efs/core/quality";
import { isPresetId, PRESET_IDS } from "@efs/visual/presets";

export const PING_JOB_ID = "test-ping";

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

export class RequestError extends Error {
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
    throw new RequestError(400, `${key} is required (a non-empty string)`);
  return v;
}

function url(body: Obj, key: string): string {
  const v = str(body, key);
  try {
    const u = new URL(v);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new RequestError(400, `${key} must be an http(s) URL`);
  }
  return v;
}

// True for the checklist's health ping ({"config": {}, "job_id": "test-ping"}).
export function isPing(body: Obj): boolean {
  return body.job_id === PING_JOB_ID && isObj(body.config) && Object.keys(body.config).length === 0;
}

// Parses a submit body (token already checked) into a RenderRequest; RequestError(400) names the field.
export function parseSubmit(body: unknown): RenderRequest {
  if (!isObj(body)) throw new RequestError(400, "body must be a JSON object");
  const jobId = str(body, "job_id");
  const config = body.config;
  if (!isObj(config))
    throw new RequestError(400, "config must be an object {preset, format, fps?}");
  const preset = config.preset ?? "ethereal-flame";
  if (!isPresetId(preset))
    throw new RequestError(400, `config.preset must be one of ${PRESET_IDS.join(", ")}`);
  if (!isRenderFormat(config.format)) {
    throw new RequestError(400, `config.format must be one of ${RENDER_FORMAT_NAMES.join(", ")}`);
  }
  const fps = config.fps ?? 30;
  if (fps !== 30 && fps !== 60) throw new RequestError(400, "config.fps must be 30 or 60");
  const d = config.durationSec;
  if (d !== undefined && (typeof d !== "number" || !(d > 0))) {
    throw new RequestError(400, "config.durationSec must be a positive number");
  }
  const quality = config.quality;
  if (quality !== undefined && !isRenderQuality(quality)) {
    throw new RequestError(400, `config.quality must be one of ${RENDER_QUALITIES.join(", ")}`);
  }
  if (config.visual !== undefined && !isObj(config.visual))
    throw new RequestError(400, "config.visual must be an object");
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
