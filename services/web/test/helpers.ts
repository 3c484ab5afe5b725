// Route-test harness: a real libsql file and local storage in a temp data dir, the web
// context rebuilt from env, and Request builders for calling route handlers directly.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueSession, SESSION_COOKIE } from "../lib/access/session";
import { getContext, resetContext, type WebContext } from "../lib/context";

export const APP_URL = "http://localhost:3999";
export const ACCESS_KEY = "test-access-key-0123456789";
export const WEBHOOK_SECRET = "ab".repeat(32);

const MANAGED = [
  "EFS_DATA_DIR",
  "NEXT_PUBLIC_APP_URL",
  "INTERNAL_WEBHOOK_SECRET",
  "INTERNAL_WEBHOOK_SECRET_PREVIOUS",
  "STUDIO_ACCESS_KEY",
  "DEPLOY_ENV",
  "STORAGE_BACKEND",
  "JOB_STORE_BACKEND",
  "RENDER_BACKEND",
  "LOCAL_STORAGE_SECRET",
];

export interface Studio {
  ctx: WebContext;
  dir: string;
  /** Cookie header value carrying a valid session. */
  cookie: string;
  close(): Promise<void>;
}

// Starts a studio context on a fresh data dir with `env` (defaults: locked, local backends).
export async function openStudio(env: Record<string, string | undefined> = {}): Promise<Studio> {
  await resetContext();
  const dir = await mkdtemp(join(tmpdir(), "efs-web-test-"));
  for (const k of MANAGED) delete process.env[k];
  const values: Record<string, string | undefined> = {
    EFS_DATA_DIR: dir,
    NEXT_PUBLIC_APP_URL: APP_URL,
    INTERNAL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STUDIO_ACCESS_KEY: ACCESS_KEY,
    RENDER_BACKEND: "local",
    ...env,
  };
  for (const [k, v] of Object.entries(values)) if (v !== undefined) process.env[k] = v;
  const ctx = await getContext();
  return {
    ctx,
    dir,
    cookie: `${SESSION_COOKIE}=${issueSession(ACCESS_KEY)}`,
    async close() {
      await resetContext();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw body (sent as is). */
  raw?: BodyInit;
  headers?: Record<string, string>;
  cookie?: string | null;
}

// A Request against the app URL; JSON bodies get the JSON content type.
export function request(path: string, opts: RequestOptions = {}): Request {
  const headers = new Headers(opts.headers);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const url = path.startsWith("http") ? path : `${APP_URL}${path}`;
  return new Request(url, {
    method: opts.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body !== undefined ? { body, duplex: "half" } : {}),
  } as RequestInit);
}

// The `{ params }` argument Next passes to dynamic route handlers.
export function params<P>(p: P): { params: Promise<P> } {
  return { params: Promise.resolve(p) };
}

// Reads a JSON response body.
export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

// The error envelope of a failed response.
export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const b = await body<{ error: { code: string; message: string } }>(res);
  return b.error;
}

// Calls the local storage route for a signed URL, as Next would route it.
export async function callStorage(url: string, opts: RequestOptions = {}): Promise<Response> {
  const route = await import("../app/api/storage/[...key]/route");
  const path = new URL(url).pathname.replace(/^\/api\/storage\//, "");
  const key = path.split("/").map(decodeURIComponent);
  const method = (opts.method ?? "GET").toUpperCase();
  const handler = method === "PUT" ? route.PUT : method === "HEAD" ? route.HEAD : route.GET;
  return handler(request(url, { ...opts, method }), params({ key }));
}

// Claims `id` (releasing any other job claimed on the way) and completes it with `result`.
export async function finishJob(
  ctx: WebContext,
  id: string,
  result: Record<string, unknown>,
): Promise<void> {
  const held: string[] = [];
  try {
    for (;;) {
      const job = await ctx.jobs.claim({ owner: "test", leaseMs: 60_000 });
      if (!job) throw new Error(`job ${id} is not claimable`);
      if (job.id === id) break;
      held.push(job.id);
    }
    if (!(await ctx.jobs.complete(id, result, { owner: "test" })))
      throw new Error(`could not complete ${id}`);
  } finally {
    for (const other of held) await ctx.jobs.release(other, "test");
  }
}

// A ready audio item (a completed ingest job) with its renditions in storage.
export async function readyAudio(
  ctx: WebContext,
  title = "Test Tone",
  durationSec = 12,
): Promise<string> {
  const job = await ctx.jobs.create({
    type: "ingest",
    payload: { source: { kind: "url", url: "https://example.com/tone.mp3" }, title },
  });
  const base = `audio/${job.id}`;
  await ctx.storage.put(`${base}/stream.m4a`, "m4a-bytes", { contentType: "audio/mp4" });
  await ctx.storage.put(`${base}/peaks.json`, JSON.stringify({ version: 1, peaks: [0.1, 0.5] }), {
    contentType: "application/json",
  });
  await finishJob(ctx, job.id, {
    title,
    durationSec,
    sampleRate: 48000,
    channels: 2,
    codec: "mp3",
    keys: {
      master: `${base}/master.wav`,
      stream: `${base}/stream.m4a`,
      peaks: `${base}/peaks.json`,
      features: `${base}/features-30fps.json`,
    },
    featuresFps: 30,
  });
  return job.id;
}
