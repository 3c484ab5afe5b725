// The local renderer's HTTP app: the same contract as the Modal endpoints (submit → call_id,
// status by call_id), rendering in this process one job at a time, uploading to storage and
// calling the webhook.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { RenderResult as CallResult } from "@efs/core/jobs/payloads";
import type { RendererProgress } from "@efs/core/render-progress";
import type { Storage } from "@efs/core/storage/types";
import {
  isRenderPing,
  parseRenderSubmit,
  type RenderRequest,
  type RenderStatusBody,
  WireError,
} from "@efs/core/wire";
import { PRESET_IDS } from "@efs/visual/presets";
import { type RenderOptions, type RenderResult, renderVideo } from "../render";
import { makeScratchDir } from "../scratch";
import { DEFAULT_RENDERER_SETTINGS, type RendererSettings } from "../settings";
import { downloadTo } from "./download";
import { postWebhook } from "./webhook";

// What GET /status answers for a call (the status contract, core/wire.ts).
type CallState = RenderStatusBody &
  (
    | { status: "running"; progress: RendererProgress }
    | { status: "completed"; result: CallResult }
    | { status: "failed"; error: string }
  );

// The thumbnail's key: next to the video (`renders/<job>/output.mp4` → `renders/<job>/thumbnail.jpg`).
export function thumbnailKeyFor(outputKey: string): string {
  const slash = outputKey.lastIndexOf("/");
  return `${slash >= 0 ? outputKey.slice(0, slash + 1) : ""}thumbnail.jpg`;
}

export interface RendererAppOptions {
  authToken: string;
  storage: Pick<Storage, "put">;
  render?: (o: RenderOptions) => Promise<RenderResult>;
  /** Programs, encoder and scratch root (serve.ts parses them from the environment). */
  settings?: RendererSettings;
  webhookBaseDelayMs?: number;
  log?: (line: string) => void;
}

export interface RendererApp {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Resolves when every accepted job has finished (and its webhook was attempted). */
  idle(): Promise<void>;
  /** Cancels running work. */
  close(): Promise<void>;
}

function tokensMatch(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
    .end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, max = 1 << 20): Promise<unknown> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new WireError(413, "body too large");
    parts.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString("utf8"));
  } catch {
    throw new WireError(400, "body must be JSON");
  }
}

// Builds the app; the caller owns the HTTP server and the storage.
export function createRendererApp(o: RendererAppOptions): RendererApp {
  if (!o.authToken)
    throw new Error("the renderer needs an auth token (RENDERER_AUTH_TOKEN or MODAL_AUTH_TOKEN)");
  const calls = new Map<string, CallState>();
  const render = o.render ?? renderVideo;
  const settings = o.settings ?? DEFAULT_RENDERER_SETTINGS;
  const abort = new AbortController();
  let queue: Promise<void> = Promise.resolve();

  async function runJob(callId: string, r: RenderRequest): Promise<void> {
    const dir = await makeScratchDir("job", settings.scratchRoot);
    const report = (progress: RendererProgress) => {
      if (calls.get(callId)?.status === "running")
        calls.set(callId, { status: "running", progress });
    };
    try {
      const audio = join(dir, "audio");
      await downloadTo(r.audioUrl, audio, { signal: abort.signal });
      const out = join(dir, "output.mp4");
      const thumbnail = join(dir, "thumbnail.jpg");
      const result = await render({
        audioPath: audio,
        preset: r.preset,
        visual: r.visual,
        format: r.format,
        fps: r.fps,
        quality: r.quality,
        durationSec: r.durationSec,
        out,
        thumbnail,
        signal: abort.signal,
        settings,
        log: o.log,
        onProgress: (p) =>
          report({
            stage: p.stage,
            framesDone: p.framesDone,
            framesTotal: p.framesTotal,
            ...(p.stage === "rendering" && p.fps > 0 ? { etaSec: Math.round(p.etaSec) } : {}),
          }),
      });
      report({ stage: "uploading", framesDone: result.frames, framesTotal: result.frames });
      const size = (await stat(out)).size;
      await o.storage.put(r.outputKey, createReadStream(out), {
        contentType: "video/mp4",
        contentLength: size,
      });
      const done: CallResult = {
        videoKey: r.outputKey,
        format: r.format,
        durationSeconds: result.durationSec,
      };
      const thumbSize = await stat(thumbnail).then(
        (st) => st.size,
        () => 0,
      );
      if (thumbSize > 0) {
        done.thumbnailKey = thumbnailKeyFor(r.outputKey);
        await o.storage.put(done.thumbnailKey, createReadStream(thumbnail), {
          contentType: "image/jpeg",
          contentLength: thumbSize,
        });
      }
      calls.set(callId, { status: "completed", result: done });
      o.log?.(`job ${r.jobId}: uploaded ${r.outputKey} (${size} bytes)`);
      await postWebhook(
        r.webhookUrl,
        r.webhookToken,
        { jobId: r.jobId, status: "complete", result: done },
        { baseDelayMs: o.webhookBaseDelayMs },
      );
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      if (calls.get(callId)?.status === "completed") {
        o.log?.(`job ${r.jobId}: ${error}`);
        return;
      }
      calls.set(callId, { status: "failed", error });
      o.log?.(`job ${r.jobId} failed: ${error}`);
      await postWebhook(
        r.webhookUrl,
        r.webhookToken,
        { jobId: r.jobId, status: "failed", error },
        { baseDelayMs: o.webhookBaseDelayMs },
      ).catch((w: unknown) => o.log?.(w instanceof Error ? w.message : String(w)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "POST" && (u.pathname === "/" || u.pathname === "/submit")) {
      const body = (await readBody(req)) as Record<string, unknown>;
      if (typeof body.auth_token !== "string" || !tokensMatch(body.auth_token, o.authToken)) {
        return send(res, 401, { error: "invalid auth_token" });
      }
      if (isRenderPing(body)) return send(res, 200, { job_id: body.job_id, status: "ok" });
      const r = parseRenderSubmit(body, PRESET_IDS);
      const callId = `local-${randomUUID()}`;
      calls.set(callId, {
        status: "running",
        progress: { stage: "starting", framesDone: 0, framesTotal: 0 },
      });
      queue = queue.then(() => runJob(callId, r));
      return send(res, 200, { call_id: callId, job_id: r.jobId, gpu: "none" });
    }
    if (req.method === "GET" && u.pathname === "/status") {
      const bearer =
        /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ??
        u.searchParams.get("auth_token") ??
        "";
      if (!tokensMatch(bearer, o.authToken)) return send(res, 401, { error: "invalid token" });
      const id = u.searchParams.get("call_id");
      if (!id) return send(res, 400, { error: "call_id is required" });
      const s = calls.get(id);
      const answer: RenderStatusBody = s ?? { status: "unknown", error: "no such call" };
      return send(res, 200, answer);
    }
    if (req.method === "GET" && u.pathname === "/health") return send(res, 200, { ok: true });
    return send(res, 404, { error: "not found" });
  }

  return {
    handle(req, res) {
      handle(req, res).catch((e: unknown) => {
        if (e instanceof WireError) send(res, e.status, { error: e.message });
        else send(res, 500, { error: e instanceof Error ? e.message : String(e) });
      });
    },
    idle: () => queue,
    async close() {
      abort.abort(new Error("renderer server shutting down"));
      await queue;
    },
  };
}
