import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseRendererProgress } from "@efs/core/render-progress";
import { createStorage } from "@efs/core/storage/create";
import type { Storage } from "@efs/core/storage/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/serve";
import { makeAudio, probe } from "./helpers/media";

const TOKEN = "renderer-test-token-0123456789";
const fixtures = JSON.parse(
  readFileSync(new URL("../../../contracts/modal-submit.json", import.meta.url), "utf8"),
) as {
  valid: Array<{
    name: string;
    body: Record<string, unknown>;
    response: { status: number; keys: string[] };
  }>;
  invalid: Array<{ name: string; body: Record<string, unknown>; status: number }>;
};
const withToken = (b: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(b).replaceAll("<MODAL_AUTH_TOKEN>", TOKEN));

interface Hook {
  auth: string | undefined;
  body: {
    jobId: string;
    status: string;
    result?: { videoKey: string; format: string; durationSeconds: number };
    error?: string;
  };
}

let dir: string;
let storage: Storage;
let renderer: { url: string; close(): Promise<void> };
let files: Server;
let filesUrl: string;
const hooks: Hook[] = [];
let hookServer: Server;
let hookUrl: string;
let hookFailuresLeft = 1;

async function listen(s: Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return JSON.parse(Buffer.concat(parts).toString());
}
const submit = (body: unknown) =>
  fetch(`${renderer.url}/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 300_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("timed out");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "efs-renderer-server-"));
  const audio = makeAudio(join(dir, "song.wav"), 0.5);
  files = createServer((req, res) => {
    if (req.url === "/audio/song.wav")
      res.writeHead(200, { "content-type": "audio/wav" }).end(readFileSync(audio));
    else res.writeHead(404).end();
  });
  filesUrl = await listen(files);
  hookServer = createServer(async (req, res) => {
    const body = (await readJson(req)) as Hook["body"];
    // The first delivery fails with 503 to exercise the retry.
    if (hookFailuresLeft-- > 0) return void res.writeHead(503).end();
    hooks.push({ auth: req.headers.authorization, body });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  hookUrl = await listen(hookServer);
  storage = await createStorage({
    backend: "local",
    root: join(dir, "storage"),
    signingSecret: "s".repeat(64),
    publicBaseUrl: "http://127.0.0.1:3000",
  });
  renderer = await serve({ port: 0, env: { RENDERER_AUTH_TOKEN: TOKEN }, storage });
}, 60_000);

afterAll(async () => {
  await renderer?.close();
  await new Promise((r) => files?.close(r));
  await new Promise((r) => hookServer?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe("local renderer server (Modal submit/status contract)", () => {
  it("answers the shared contract fixtures: ping, wrong token, missing field, unknown format", async () => {
    const ping = fixtures.valid.find((f) => f.name === "checklist health ping")!;
    const res = await submit(withToken(ping.body));
    expect(res.status).toBe(200);
    expect(Object.keys(await res.json())).toEqual(expect.arrayContaining(ping.response.keys));
    for (const bad of fixtures.invalid) {
      const r = await submit(withToken(bad.body));
      expect(r.status, bad.name).toBe(bad.status);
      expect((await r.json()).error, bad.name).toEqual(expect.any(String));
    }
  });

  it("reads R2_JURISDICTION for R2 storage: an unknown one is refused before it listens", async () => {
    const env = {
      RENDERER_AUTH_TOKEN: TOKEN,
      STORAGE_BACKEND: "r2",
      R2_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
      R2_ACCESS_KEY_ID: "id",
      R2_SECRET_ACCESS_KEY: "secret",
      R2_BUCKET_NAME: "efs-media",
      R2_JURISDICTION: "mars",
    };
    await expect(serve({ port: 0, env })).rejects.toThrow(
      /jurisdiction \(R2_JURISDICTION\) must be one of default, eu, fedramp/,
    );
  });

  it("renders a submitted job, uploads the MP4 to storage and calls the webhook with the job's bearer token", async () => {
    const res = await submit({
      auth_token: TOKEN,
      job_id: "job_42",
      config: { preset: "aurora", format: "preview-360p", fps: 30, durationSec: 0.3 },
      audio_url: `${filesUrl}/audio/song.wav`,
      output_key: "renders/job_42/output.mp4",
      webhook_url: `${hookUrl}/api/webhooks/worker`,
      webhook_token: "per-job-token-42",
    });
    expect(res.status).toBe(200);
    const { call_id, job_id, gpu } = (await res.json()) as {
      call_id: string;
      job_id: string;
      gpu: string;
    };
    expect(job_id).toBe("job_42");
    expect(typeof gpu).toBe("string");
    const status = async () =>
      (await (
        await fetch(`${renderer.url}/status?call_id=${call_id}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json()) as {
        status: string;
        result?: unknown;
      };
    // While it runs, status carries the stage and frames done/total (contracts/modal-status.json).
    const seen: Array<{ stage: string; framesDone: number; framesTotal: number }> = [];
    const final = await waitFor(async () => {
      const s = (await status()) as { status: string; progress?: (typeof seen)[number] };
      if (s.status === "running") {
        expect(parseRendererProgress(s.progress)).not.toBeNull();
        seen.push(s.progress!);
        return undefined;
      }
      return s;
    }, 300_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p, i) => i === 0 || p.framesDone >= seen[i - 1]!.framesDone)).toBe(true);
    const result = {
      videoKey: "renders/job_42/output.mp4",
      format: "preview-360p",
      durationSeconds: 0.3,
      thumbnailKey: "renders/job_42/thumbnail.jpg",
    };
    expect(final).toEqual({ status: "completed", result });
    const hook = await waitFor(async () => hooks.find((h) => h.body.jobId === "job_42"));
    expect(hook.auth).toBe("Bearer per-job-token-42");
    expect(hook.body).toEqual({ jobId: "job_42", status: "complete", result });
    const thumb = await storage.stat("renders/job_42/thumbnail.jpg");
    expect(thumb).toMatchObject({ contentType: "image/jpeg" });
    expect(thumb!.size).toBeGreaterThan(1000);
    const obj = await storage.get("renders/job_42/output.mp4");
    const chunks: Buffer[] = [];
    for await (const c of obj.body) chunks.push(c as Buffer);
    const local = join(dir, "downloaded.mp4");
    await writeFile(local, Buffer.concat(chunks));
    const p = probe(local);
    expect(p.video).toMatchObject({ codec_name: "h264", width: 640, height: 360 });
    expect(Math.abs(p.durationSec - 0.3)).toBeLessThanOrEqual(1 / 30 + 1e-3);
    const unauth = await fetch(`${renderer.url}/status?call_id=${call_id}`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(unauth.status).toBe(401);
  }, 300_000);

  it("reports a failed job through status and the webhook when the audio cannot be fetched", async () => {
    const res = await submit({
      auth_token: TOKEN,
      job_id: "job_43",
      config: { preset: "ethereal-flame", format: "preview-360p" },
      audio_url: `${filesUrl}/audio/missing.wav`,
      output_key: "renders/job_43/output.mp4",
      webhook_url: `${hookUrl}/api/webhooks/worker`,
      webhook_token: "per-job-token-43",
    });
    const { call_id } = (await res.json()) as { call_id: string };
    const hook = await waitFor(async () => hooks.find((h) => h.body.jobId === "job_43"));
    expect(hook.auth).toBe("Bearer per-job-token-43");
    expect(hook.body).toMatchObject({
      jobId: "job_43",
      status: "failed",
      error: expect.stringMatching(/audio download failed: HTTP 404/),
    });
    const s = await (
      await fetch(`${renderer.url}/status?call_id=${call_id}&auth_token=${TOKEN}`)
    ).json();
    expect(s).toMatchObject({ status: "failed" });
    expect(await storage.stat("renders/job_43/output.mp4")).toBeNull();
  }, 120_000);
});
