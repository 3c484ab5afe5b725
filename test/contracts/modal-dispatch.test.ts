// The worker's renderer client (services/worker/src/render) against the Modal endpoints' Python
// handler logic (modal_app/ethereal), over real HTTP between the two processes, driven by the
// shared fixtures in contracts/ — so the TS and Python sides cannot drift.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Secret } from "@efs/core/secret";
import { deriveJobToken } from "@efs/core/webhook-auth";
import type { RenderSubmitBody } from "@efs/core/wire";
import type { RendererTarget } from "@efs/worker/options";
import { fetchRenderStatus } from "@efs/worker/render/status";
import { submitRender } from "@efs/worker/render/submit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const TOKEN = "<MODAL_AUTH_TOKEN>"; // the fixtures' placeholder is the server's configured token

interface SubmitCase {
  name: string;
  body: Record<string, unknown>;
  response?: { status: number; keys: string[] };
  status?: number;
}
const submitFixture = JSON.parse(
  readFileSync(join(ROOT, "contracts/modal-submit.json"), "utf8"),
) as {
  valid: SubmitCase[];
  invalid: SubmitCase[];
};
const statusFixture = JSON.parse(
  readFileSync(join(ROOT, "contracts/modal-status.json"), "utf8"),
) as {
  valid: { name: string; body: Record<string, unknown> }[];
};

let server: ChildProcess;
let base = "";
let target: RendererTarget;

beforeAll(async () => {
  server = spawn("python3", [join(ROOT, "modal_app/tests/contract_server.py")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CONTRACT_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`contract server did not start:\n${stderr}`)),
      60_000,
    );
    server.once("exit", (code) =>
      reject(new Error(`contract server exited with ${code}:\n${stderr}`)),
    );
    createInterface({ input: server.stdout! }).on("line", (line) => {
      const m = /^LISTENING (\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  base = `http://127.0.0.1:${port}`;
  target = {
    backend: "modal",
    submitUrl: `${base}/submit`,
    statusUrl: `${base}/status`,
    authToken: new Secret(TOKEN),
  };
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
});

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/submit`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

// The body the worker's render handler (services/worker/src/handlers/render.ts) dispatches.
function workerDispatchBody(
  jobId: string,
  format: string,
  extra: Partial<RenderSubmitBody> = {},
): RenderSubmitBody {
  return {
    auth_token: TOKEN,
    job_id: jobId,
    config: {
      preset: "ethereal-flame",
      format,
      fps: 30,
      quality: "final",
      durationSec: 12.5,
      visual: { hue: 0.3 },
      featuresUrl:
        "https://acct.r2.cloudflarestorage.com/bucket/features/a1/30fps.json?X-Amz-Signature=s",
    },
    audio_url: "https://acct.r2.cloudflarestorage.com/bucket/audio/a1/master.m4a?X-Amz-Signature=s",
    output_key: `renders/${jobId}/output.mp4`,
    webhook_url: "https://studio.example.com/api/webhooks/worker",
    webhook_token: deriveJobToken("a".repeat(64), jobId),
    ...extra,
  };
}

describe("modal submit contract (worker client → Python handlers)", () => {
  for (const c of submitFixture.valid) {
    it(`accepts the fixture "${c.name}" with the contract keys`, async () => {
      const { status, json } = await post(c.body);
      expect(status).toBe(c.response?.status);
      const { _spawned, ...answer } = json;
      expect(Object.keys(answer).sort()).toEqual([...(c.response?.keys ?? [])].sort());
      expect(answer.job_id).toBe(c.body.job_id);
    });
  }

  for (const c of submitFixture.invalid) {
    it(`refuses the fixture "${c.name}" with HTTP ${c.status} and {error}`, async () => {
      const { status, json } = await post(c.body);
      expect(status).toBe(c.status);
      expect(Object.keys(json)).toEqual(["error"]);
      expect(typeof json.error).toBe("string");
    });
  }

  it("accepts the worker's real dispatch shape and hands every field to the render", async () => {
    const body = workerDispatchBody("job_w1", "preview-360p");
    const { callId, gpu } = await submitRender(target, body);
    expect(callId).toMatch(/^fc-/);
    expect(gpu).toBeNull(); // a CPU format without a requested GPU
    const { json } = await post(workerDispatchBody("job_w2", "360-mono-8k"));
    expect(json.gpu).toBe("L40S");
    expect(json._spawned).toMatchObject({
      job_id: "job_w2",
      preset: "ethereal-flame",
      format: "360-mono-8k",
      fps: 30,
      duration_sec: 12.5,
      visual: { hue: 0.3 },
      quality: "final",
      output_key: "renders/job_w2/output.mp4",
      webhook_token: deriveJobToken("a".repeat(64), "job_w2"),
      gpu: "L40S",
    });
  });

  it("passes a requested GPU through", async () => {
    const { gpu } = await submitRender(
      target,
      workerDispatchBody("job_w3", "flat-4k-landscape", { gpu: "L4" }),
    );
    expect(gpu).toBe("L4");
  });

  it("surfaces a refused dispatch as a permanent error carrying the renderer's reason", async () => {
    const bad = workerDispatchBody("job_w4", "preview-360p");
    (bad.config as Record<string, unknown>).format = "vhs";
    await expect(submitRender(target, bad)).rejects.toThrow(/HTTP 400: config\.format "?'?vhs/);
    await expect(
      submitRender(target, workerDispatchBody("job_w5", "preview-360p", { auth_token: "wrong" })),
    ).rejects.toThrow(/HTTP 401/);
  });
});

describe("modal status contract (worker client → Python handlers)", () => {
  for (const c of statusFixture.valid) {
    it(`reads the "${c.name}" state exactly as the fixture`, async () => {
      expect(await fetchRenderStatus(target, `fc-${c.name.toUpperCase()}`)).toEqual(c.body);
    });
  }

  it("reports a just-submitted call as running", async () => {
    const { callId } = await submitRender(target, workerDispatchBody("job_s1", "preview-360p"));
    expect(await fetchRenderStatus(target, callId)).toEqual({ status: "running" });
  });

  it("refuses status without the token", async () => {
    await expect(fetchRenderStatus({ ...target, authToken: null }, "fc-RUNNING")).rejects.toThrow(
      /HTTP 401/,
    );
  });
});
