// Runs the smoke stages against one studio: health → session → upload (signed PUT + confirm)
// → ingest → playback (Range → 206) → render (preview-360p) → download + ffprobe → cleanup.
// Stops at the first failing stage; cleanup runs whatever happened (unless `keep`), even after
// Ctrl-C: it deletes the test's jobs through the API (their objects go with them, and they leave
// the library) and an upload that was never confirmed.
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestAudio, probeMedia } from "./audio";
import { ApiCallError, StudioClient } from "./client";
import { STAGES, type StageId, type StageResult } from "./stages";

/** What to smoke-test. */
export interface SmokeOptions {
  readonly url: string;
  readonly accessKey: string | null;
  readonly render: boolean;
  readonly keep: boolean;
  readonly audioSeconds: number;
  readonly renderSeconds: number;
  readonly ingestTimeoutMs: number;
  readonly renderTimeoutMs: number;
  readonly signal: AbortSignal;
  // Called when a stage starts (progress display).
  readonly onStage?: (id: StageId) => void;
}

/** The whole run. */
export interface SmokeReport {
  readonly url: string;
  readonly ok: boolean;
  readonly failedStage: StageId | null;
  readonly stages: StageResult[];
  readonly totalSeconds: number;
  readonly jobs: { ingest: string | null; render: string | null };
  // Test jobs (or an unconfirmed upload's id) still in the studio after the run: kept with
  // --keep, or not deleted because cleanup failed or ran out of time.
  readonly left: string[];
}

interface JobView {
  id: string;
  status: string;
  error: string | null;
  progress: { stage?: string; percent?: number } | null;
  urls: { audio?: string; video?: string; download?: string };
  result: Record<string, unknown> | null;
}

class StageFailure extends Error {}

// Runs every stage and returns the report (never throws for a stage failure).
export async function runSmoke(o: SmokeOptions): Promise<SmokeReport> {
  const started = Date.now();
  const client = new StudioClient(o.url, o.signal);
  const stages: StageResult[] = [];
  const jobs: { ingest: string | null; render: string | null } = { ingest: null, render: null };
  let uploadId: string | null = null;
  let left: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), "efs-smoke-"));
  let failed: StageId | null = null;
  let ingestJob: JobView | null = null;

  const stage = async (id: StageId, fn: () => Promise<string>): Promise<void> => {
    if (failed) {
      stages.push({ id, status: "skip", seconds: 0, detail: `skipped: ${failed} failed` });
      return;
    }
    o.onStage?.(id);
    const t0 = Date.now();
    try {
      const detail = await fn();
      stages.push({ id, status: "pass", seconds: secs(t0), detail });
    } catch (e) {
      failed = id;
      const msg = e instanceof StageFailure || e instanceof ApiCallError ? e.message : String(e);
      stages.push({
        id,
        status: "fail",
        seconds: secs(t0),
        detail: o.signal.aborted && id !== "cleanup" ? "interrupted" : msg,
      });
    }
  };

  try {
    await stage("health", async () => {
      const h = await client.json<{ version?: string; backends?: Record<string, string> }>(
        "/api/health",
      );
      const b = h.backends ?? {};
      return `v${h.version ?? "?"}; jobs ${b.jobStore}, storage ${b.storage}, renderer ${b.renderer}`;
    });

    await stage("session", async () => {
      const s = await client.json<{ mode?: string; unlocked?: boolean }>("/api/session");
      if (s.mode === "open") return "open studio (no access key needed)";
      if (!o.accessKey) {
        if (!s.unlocked) {
          throw new StageFailure(
            "the studio is locked and no STUDIO_ACCESS_KEY was found (vault or env)",
          );
        }
        return "open studio (no access key needed)";
      }
      await client.unlock(o.accessKey);
      return "unlocked with STUDIO_ACCESS_KEY";
    });

    await stage("upload", async () => {
      const file = await makeTestAudio(dir, o.audioSeconds);
      const body = await readFile(file);
      const created = await client.json<{
        key: string;
        upload: { url: string; headers?: Record<string, string> };
      }>("/api/uploads", {
        method: "POST",
        body: { filename: "efs-smoke.wav", contentType: "audio/wav", size: body.length },
      });
      // The upload's id is the id its ingest job will get (uploads/<id>/<name>).
      uploadId = created.key.split("/")[1] ?? null;
      const put = await fetch(created.upload.url, {
        method: "PUT",
        headers: created.upload.headers ?? { "content-type": "audio/wav" },
        body,
        signal: AbortSignal.any([o.signal, AbortSignal.timeout(120_000)]),
      });
      if (!put.ok) {
        throw new StageFailure(
          `PUT to the signed URL → HTTP ${put.status} ${(await put.text()).slice(0, 200)}`,
        );
      }
      const { job } = await client.json<{ job: JobView }>("/api/jobs", {
        method: "POST",
        body: { type: "ingest", source: { kind: "upload", key: created.key } },
      });
      jobs.ingest = job.id;
      return `${body.length} bytes → ${created.key}; job ${job.id}`;
    });

    await stage("ingest", async () => {
      ingestJob = await follow(client, jobs.ingest!, o.ingestTimeoutMs, o.signal);
      const d = (ingestJob.result?.durationSec as number | undefined) ?? 0;
      return `complete (${d.toFixed(1)} s of audio)`;
    });

    await stage("playback", async () => {
      const url = ingestJob?.urls.audio;
      if (!url) throw new StageFailure("the finished ingest job has no audio URL");
      const res = await fetch(url, {
        headers: { range: "bytes=0-1023" },
        signal: AbortSignal.any([o.signal, AbortSignal.timeout(60_000)]),
      });
      const type = res.headers.get("content-type") ?? "";
      const bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 206)
        throw new StageFailure(`Range request answered HTTP ${res.status}, not 206`);
      if (!type.startsWith("audio/"))
        throw new StageFailure(`content type "${type}" is not audio/*`);
      return `206 ${type}, ${bytes} bytes`;
    });

    if (o.render) {
      let video: string | undefined;
      await stage("render", async () => {
        const { job } = await client.json<{ job: JobView }>("/api/jobs", {
          method: "POST",
          body: {
            type: "render",
            audioId: jobs.ingest,
            preset: "ethereal-flame",
            format: "preview-360p",
            fps: 30,
            durationSec: o.renderSeconds,
          },
        });
        jobs.render = job.id;
        const done = await follow(client, job.id, o.renderTimeoutMs, o.signal);
        video = done.urls.download ?? done.urls.video;
        if (!video) throw new StageFailure("the finished render has no video URL");
        return `job ${job.id} complete`;
      });
      await stage("download", async () => {
        const res = await fetch(video!, {
          signal: AbortSignal.any([o.signal, AbortSignal.timeout(120_000)]),
        });
        if (res.status !== 200) throw new StageFailure(`download answered HTTP ${res.status}`);
        const file = join(dir, "render.mp4");
        await writeFile(file, Buffer.from(await res.arrayBuffer()));
        const size = (await stat(file)).size;
        const m = await probeMedia(file);
        if (!m.video) throw new StageFailure("the MP4 has no video stream");
        if (!m.audio) throw new StageFailure("the MP4 has no audio stream");
        const want = o.renderSeconds;
        if (Math.abs(m.durationSec - want) > 0.75) {
          throw new StageFailure(
            `the MP4 lasts ${m.durationSec.toFixed(2)} s, expected about ${want} s`,
          );
        }
        return `${size} bytes; ${m.video.codec} ${m.video.width}x${m.video.height} + ${m.audio.codec}, ${m.durationSec.toFixed(2)} s`;
      });
    } else {
      stages.push({ id: "render", status: "skip", seconds: 0, detail: "--no-render" });
      stages.push({ id: "download", status: "skip", seconds: 0, detail: "--no-render" });
    }
  } finally {
    const keepFailed = failed;
    failed = null; // cleanup always runs
    if (o.keep) {
      left = [jobs.render, jobs.ingest].filter((x): x is string => x !== null);
      stages.push({
        id: "cleanup",
        status: "skip",
        seconds: 0,
        detail: "--keep: test jobs and objects kept",
      });
    } else {
      await stage("cleanup", async () => {
        // After Ctrl-C the CLI leaves within 3 s (src/cli.ts): clean up inside that.
        const cleaner = client.withSignal(
          AbortSignal.timeout(o.signal.aborted ? INTERRUPTED_CLEANUP_MS : 120_000),
        );
        let objects = 0;
        let deleted = 0;
        // Deleting the track takes its render with it; the render goes first in case the
        // track was never created. An unconfirmed upload is deleted by its id.
        const ids = [jobs.render, jobs.ingest ?? uploadId].filter((x): x is string => x !== null);
        left = [...ids];
        for (const id of ids) {
          try {
            const r = await cleaner.json<{ deleted?: { jobs?: string[]; objects?: number } }>(
              `/api/jobs/${id}`,
              { method: "DELETE" },
            );
            objects += r.deleted?.objects ?? 0;
            deleted += r.deleted?.jobs?.length ?? 0;
          } catch (e) {
            // Already gone (deleted with its track, or nothing was uploaded): nothing left.
            if (!(e instanceof ApiCallError && e.status === 404)) throw e;
          }
          left = left.filter((x) => x !== id);
        }
        return ids.length
          ? `${deleted} test jobs deleted (running ones cancelled), ${objects} objects removed`
          : "nothing to clean";
      });
      if (failed === "cleanup" && keepFailed) failed = keepFailed;
    }
    if (keepFailed) failed = keepFailed;
    await rm(dir, { recursive: true, force: true });
  }
  const order = new Map(STAGES.map((s, i) => [s, i]));
  stages.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return {
    url: client.origin,
    ok: failed === null,
    failedStage: failed,
    stages,
    totalSeconds: secs(started),
    jobs,
    left,
  };
}

// How long cleanup may take after Ctrl-C / SIGTERM (the CLI exits 3 s after the signal).
const INTERRUPTED_CLEANUP_MS = 2500;

// Polls GET /api/jobs/:id until the job is terminal; throws unless it completed.
async function follow(
  client: StudioClient,
  id: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  let last: JobView | null = null;
  while (Date.now() < deadline) {
    if (signal.aborted) throw new StageFailure("interrupted");
    const { job } = await client.json<{ job: JobView }>(`/api/jobs/${id}`);
    last = job;
    if (job.status === "complete") return job;
    if (job.status === "failed" || job.status === "cancelled") {
      throw new StageFailure(`job ${id} ${job.status}: ${job.error ?? "no reason given"}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const where = last
    ? `${last.status}${last.progress?.stage ? ` (${last.progress.stage})` : ""}`
    : "unknown";
  throw new StageFailure(`job ${id} still ${where} after ${timeoutMs / 1000} s`);
}

function secs(t0: number): number {
  return Math.round((Date.now() - t0) / 100) / 10;
}
