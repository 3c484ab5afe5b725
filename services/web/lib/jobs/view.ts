// The public view of a job: status, progress, queue position, a plain-words error, and signed
// URLs for what a finished job produced. Never exposes leases, tokens or internal fields.
import type { IngestResult, PreviewResult, RenderResult } from "@efs/core/jobs/payloads";
import type { Job, JobProgress, JobStatus, JobType, JsonObject } from "@efs/core/jobs/types";
import { isValidKey } from "@efs/core/storage/keys";
import type { Storage } from "@efs/core/storage/types";
import { displayUrl } from "@efs/core/url-safety";
import { DOWNLOAD_URL_TTL_SEC } from "../limits";
import { fileNameFor, renderTitle } from "./render-names";

interface JobUrls {
  audio?: string;
  peaks?: string;
  features?: string;
  preview?: string;
  download?: string;
  video?: string;
  thumbnail?: string;
}

export interface JobView {
  id: string;
  type: JobType;
  status: JobStatus;
  title: string;
  progress: JobProgress | null;
  queuePosition: number | null;
  error: string | null;
  cancelRequested: boolean;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** The request as the user made it (source, recipe, render settings). */
  request: JsonObject;
  /**
   * Render quality ("draft" | "final") once the renderer reports which one it used (or the
   * request asked for one); null until renders carry it.
   */
  renderQuality: string | null;
  result: JsonObject | null;
  urls: JobUrls;
}

// Builds the view; `queuePosition` is looked up by the caller for pending jobs.
export async function toJobView(
  storage: Storage,
  job: Job,
  queuePosition: number | null,
): Promise<JobView> {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    title: titleOf(job),
    progress: job.progress,
    queuePosition,
    error: job.error,
    cancelRequested: job.cancelRequested,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    request: requestOf(job),
    renderQuality: renderQualityOf(job),
    result: job.result,
    urls: job.status === "complete" ? await urlsOf(storage, job) : {},
  };
}

// A human title: the user's title, the worker's, the file name, or the URL.
export function titleOf(job: Job): string {
  const p = job.payload as Record<string, unknown>;
  const r = (job.result ?? {}) as Record<string, unknown>;
  if (job.type === "render") {
    if (typeof p.title === "string" && p.title) return p.title;
    return renderTitle(null, String(p.preset ?? "render"), String(p.format ?? ""));
  }
  if (job.type === "preview") return "Edit preview";
  const source = (p.source ?? {}) as Record<string, unknown>;
  const url = typeof source.url === "string" ? displayUrl(source.url) : undefined;
  const candidates = [r.title, p.title, source.filename, url];
  const found = candidates.find((c): c is string => typeof c === "string" && c.length > 0);
  return found ?? job.id;
}

// The quality a render used (result) or asked for (request), when either says; else null.
function renderQualityOf(job: Job): string | null {
  if (job.type !== "render") return null;
  for (const source of [job.result, job.payload] as Array<Record<string, unknown> | null>) {
    const q = source?.quality;
    if (typeof q === "string" && q) return q;
  }
  return null;
}

function requestOf(job: Job): JsonObject {
  const p = job.payload as Record<string, unknown>;
  if (job.type === "ingest") {
    const s = (p.source ?? {}) as Record<string, unknown>;
    // A URL may carry credentials or a signed query: the view never shows them.
    return s.kind === "url"
      ? { source: { kind: "url", url: typeof s.url === "string" ? displayUrl(s.url) : null } }
      : { source: { kind: "upload", filename: s.filename, size: s.size } };
  }
  return p as JsonObject;
}

async function urlsOf(storage: Storage, job: Job): Promise<JobUrls> {
  const r = job.result as Record<string, unknown> | null;
  if (!r) return {};
  // A key that is not valid (a row stored before results were checked) gets no URL: one bad
  // row must not make the library or the job page fail for everyone.
  const sign = async (key: unknown, downloadName?: string): Promise<string | undefined> => {
    if (typeof key !== "string" || !isValidKey(key)) return undefined;
    const opts = downloadName
      ? { expiresInSec: DOWNLOAD_URL_TTL_SEC, downloadName }
      : { expiresInSec: DOWNLOAD_URL_TTL_SEC };
    return storage.signGetUrl(key, opts);
  };
  const urls: JobUrls = {};
  if (job.type === "ingest" || job.type === "save") {
    const keys = ((r as unknown as IngestResult).keys ?? {}) as unknown as Record<string, unknown>;
    assign(urls, "audio", await sign(keys.stream));
    assign(urls, "peaks", await sign(keys.peaks));
    assign(urls, "features", await sign(keys.features));
    assign(urls, "download", await sign(keys.master, downloadName(titleOf(job), keys.master)));
  } else if (job.type === "preview") {
    assign(urls, "preview", await sign((r as unknown as PreviewResult).previewKey));
  } else if (job.type === "render") {
    const rr = r as unknown as RenderResult;
    assign(urls, "video", await sign(rr.videoKey));
    assign(urls, "download", await sign(rr.videoKey, fileNameFor(titleOf(job), ".mp4")));
    assign(urls, "thumbnail", await sign(rr.thumbnailKey));
  }
  return urls;
}

function assign(urls: JobUrls, name: keyof JobUrls, value: string | undefined): void {
  if (value) urls[name] = value;
}

// `My Song · flat-1080p.mp4` → a file-system friendly name keeping the key's extension.
function downloadName(title: string, key: unknown): string {
  const ext =
    typeof key === "string" && /\.[a-z0-9]{2,4}$/i.test(key) ? key.slice(key.lastIndexOf(".")) : "";
  const base = title
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 120);
  return `${base || "download"}${ext}`;
}
