import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Job } from "@efs/core/jobs/types";
import type { LocalStorage } from "@efs/core/storage/local";
import { deriveJobToken } from "@efs/core/webhook-auth";
import { parseRenderSubmit } from "@efs/core/wire";
import { PRESET_IDS } from "@efs/visual/presets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeRenderer, startFakeRenderer } from "./helpers/fake-renderer";
import { seedAudio } from "./helpers/seed-audio";
import { createStack, type Stack, TEST_WEBHOOK_SECRET } from "./helpers/stack";
import { REPO_ROOT, reapWorkers, type WorkerProcess } from "./helpers/worker-process";

interface SubmitFixture {
  valid: Array<{ name: string; body: Record<string, unknown> }>;
}

const render = (audioId: string, extra: Record<string, unknown> = {}) => ({
  type: "render" as const,
  payload: { audioId, preset: "ethereal-flame", format: "preview-360p", fps: 30, ...extra },
});

describe("render dispatch to the local renderer + reconciliation", () => {
  let stack: Stack;
  let renderer: FakeRenderer;
  let worker: WorkerProcess;
  let audioId: string;
  const jobs: Record<string, Job> = {};

  beforeAll(async () => {
    renderer = await startFakeRenderer({
      submit: "/submit",
      status: "/status",
      token: "local-token-xyz",
    });
    stack = await createStack({
      RENDER_BACKEND: "local",
      RENDERER_URL: renderer.server.url,
      RENDERER_AUTH_TOKEN: "local-token-xyz",
    });
    audioId = await seedAudio(stack);
    const create = async (name: string, extra: Record<string, unknown> = {}) => {
      jobs[name] = await stack.store.create(render(audioId, extra));
    };
    await create("completes");
    await create("fails");
    await create("unknown");
    await create("badResult");
    await create("deadline");
    await create("busy");
    await create("refused");
    await create("cancelled");
    await create("progress");
    await create("badFormat", { format: "vhs" });
    await create("noAudio");
    jobs.noAudio = await stack.store.create(render("job_missing"));
    for (const [name, job] of Object.entries(jobs)) {
      renderer.setStatus(job.id, { status: "running" });
      if (name === "busy") {
        renderer.onSubmit(
          job.id,
          { status: 503, body: { error: "no GPU free" } },
          {
            status: 200,
            body: { call_id: `call-${job.id}`, job_id: job.id, gpu: null },
          },
        );
      }
      if (name === "refused")
        renderer.onSubmit(job.id, { status: 400, body: { error: "unknown preset" } });
    }
    worker = stack.startWorker({
      WORKER_CONCURRENCY: "2",
      WORKER_LEASE_MS: "1000",
      WORKER_RECONCILE_INTERVAL_MS: "300",
      WORKER_PROGRESS_INTERVAL_MS: "150",
      RENDER_DEADLINE_MS: "16000",
    });
    const names = [
      "completes",
      "fails",
      "unknown",
      "badResult",
      "deadline",
      "cancelled",
      "progress",
    ];
    for (const name of names) {
      await worker.waitFor(`[Render] Job ${jobs[name]!.id} dispatched to local renderer`, 60_000);
    }
  }, 120_000);

  afterAll(async () => {
    worker?.child.kill("SIGTERM");
    if (worker) expect((await worker.exited).code).toBe(0);
    const leaked = await reapWorkers();
    await renderer?.close();
    await stack?.close();
    // Asserted after the clean-up, so a leak does not also leave the temp folder.
    expect(leaked, "a test leaked a worker process").toBe(0);
  });

  it("sends the contract's submit payload with a per-job webhook token and a signed audio URL", async () => {
    const job = jobs.completes!;
    const sent = renderer.submits.find((s) => s.body.job_id === job.id)!;
    const fixture = JSON.parse(
      await readFile(join(REPO_ROOT, "contracts/modal-submit.json"), "utf8"),
    ) as SubmitFixture;
    const shape = fixture.valid.find((v) => v.name === "render")!.body;
    expect(Object.keys(sent.body).sort()).toEqual(Object.keys(shape).sort());
    for (const [k, v] of Object.entries(shape)) expect(typeof sent.body[k], k).toBe(typeof v);
    expect(sent.body).toMatchObject({
      auth_token: "local-token-xyz",
      job_id: job.id,
      config: { preset: "ethereal-flame", format: "preview-360p", fps: 30, quality: "draft" },
      output_key: `renders/${job.id}/output.mp4`,
      webhook_url: "http://localhost:3999/api/webhooks/worker",
      webhook_token: deriveJobToken(TEST_WEBHOOK_SECRET, job.id),
    });
    expect(sent.body.webhook_token).not.toContain(TEST_WEBHOOK_SECRET);
    // The local renderer's own validation accepts exactly what the worker sent.
    expect(parseRenderSubmit(sent.body, PRESET_IDS)).toMatchObject({
      jobId: job.id,
      preset: "ethereal-flame",
      format: "preview-360p",
      fps: 30,
      quality: "draft",
      audioUrl: sent.body.audio_url,
      outputKey: `renders/${job.id}/output.mp4`,
      webhookToken: sent.body.webhook_token,
    });
    const url = new URL(String(sent.body.audio_url));
    const key = decodeURIComponent(url.pathname.replace(/^\/api\/storage\//, ""));
    expect(key).toBe(`audio/${audioId}/master.wav`);
    const verdict = (stack.storage as LocalStorage).verifySignedRequest({
      method: "GET",
      key,
      query: Object.fromEntries(url.searchParams),
    });
    expect(verdict).toMatchObject({ ok: true });
  });

  it("logs the dispatch and keeps the job processing without a lease", async () => {
    const job = (await stack.store.get(jobs.deadline!.id))!;
    expect(worker.output).toContain(
      `[Render] Job ${job.id} dispatched to local renderer (call_id=call-${job.id}, gpu=none)`,
    );
    expect(job.status).toBe("processing");
    expect(job.leaseOwner).toBeNull();
    expect(job.dispatch).toMatchObject({ callId: `call-${job.id}`, backend: "local" });
  });

  it("copies the renderer's stage and frames into the job's progress, the percent only rising", async () => {
    const id = jobs.progress!.id;
    const progressOf = async () => (await stack.store.get(id))?.progress ?? null;
    const report = (stage: string, framesDone: number, extra: Record<string, unknown> = {}) =>
      renderer.setStatus(id, {
        status: "running",
        progress: { stage, framesDone, framesTotal: 300, ...extra },
      });
    const waitFor = async (pred: (p: Record<string, unknown> | null) => boolean) => {
      const end = Date.now() + 5000;
      for (;;) {
        const p = (await progressOf()) as Record<string, unknown> | null;
        if (pred(p)) return p;
        if (Date.now() > end) throw new Error(`progress stuck at ${JSON.stringify(p)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    report("rendering", 30, { etaSec: 54 });
    const first = await waitFor((p) => p?.message === "30 / 300 frames");
    expect(first).toEqual({
      stage: "rendering",
      percent: 10.8,
      message: "30 / 300 frames",
      etaSec: 54,
    });
    report("rendering", 150);
    const second = await waitFor((p) => p?.message === "150 / 300 frames");
    expect(second!.percent).toBeGreaterThan(first!.percent as number);
    // A lower report (another chunk, a restarted call) never shrinks the bar.
    report("rendering", 60);
    await waitFor((p) => p?.message === "60 / 300 frames");
    expect((await progressOf())?.percent).toBe(second!.percent);
    // A malformed report is ignored; the job keeps its last progress and keeps running.
    renderer.setStatus(id, { status: "running", progress: { stage: "dancing", framesDone: 1 } });
    const polled = renderer.statusCalls.length;
    while (renderer.statusCalls.length < polled + 4) await new Promise((r) => setTimeout(r, 50));
    expect(await stack.store.get(id)).toMatchObject({
      status: "processing",
      progress: { message: "60 / 300 frames" },
    });
    report("encoding", 300);
    expect((await waitFor((p) => p?.stage === "encoding"))!.percent).toBe(90);
  });

  it("a late completion for a cancelled render changes nothing", async () => {
    const id = jobs.cancelled!.id;
    expect(await stack.store.cancel(id)).toBe(true);
    renderer.setStatus(id, {
      status: "completed",
      result: { videoKey: "renders/x.mp4", format: "preview-360p", durationSeconds: 2 },
    });
    const polled = renderer.statusCalls.length;
    while (renderer.statusCalls.length < polled + 3) await new Promise((r) => setTimeout(r, 100));
    expect(await stack.store.get(id)).toMatchObject({ status: "cancelled", result: null });
  });

  it("completes a render from the renderer's status when the webhook never came", async () => {
    const result = {
      videoKey: `renders/${jobs.completes!.id}/output.mp4`,
      format: "preview-360p",
      durationSeconds: 2,
    };
    await stack.storage.put(result.videoKey, "mp4", { contentType: "video/mp4" });
    renderer.setStatus(jobs.completes!.id, { status: "completed", result });
    const done = await stack.waitForStatus(jobs.completes!.id, ["complete", "failed"]);
    expect(done.status).toBe("complete");
    expect(done.result).toEqual(result);
  });

  it("refuses a completed status whose result keys leave the job's folder", async () => {
    const id = jobs.badResult!.id;
    const result = {
      videoKey: `renders/${id}/output.mp4`,
      thumbnailKey: "../../x",
      format: "preview-360p",
      durationSeconds: 2,
    };
    await stack.storage.put(result.videoKey, "mp4", { contentType: "video/mp4" });
    renderer.setStatus(id, { status: "completed", result });
    const done = await stack.waitForStatus(id, ["complete", "failed"]);
    expect(done.status).toBe("failed");
    expect(done.result).toBeNull();
    expect(done.error).toContain(
      "the renderer's result was refused: result.thumbnailKey is not a valid storage key",
    );
  });

  it("fails a render with the renderer's reason", async () => {
    const reason = "renderer reported failed: render exceeded its timeout";
    renderer.setStatus(jobs.fails!.id, { status: "failed", error: "render exceeded its timeout" });
    const done = await stack.waitForStatus(jobs.fails!.id, ["complete", "failed"]);
    expect(done).toMatchObject({ status: "failed", error: reason });
    await worker.waitFor(`[Worker] Job ${done.id} failed: ${reason}`);
  });

  it("dispatches a render the renderer lost again, and fails it once its attempts are used up", async () => {
    const id = jobs.unknown!.id;
    renderer.setStatus(id, { status: "unknown", error: "result expired" });
    await worker.waitFor(
      `[Render] Job ${id}: the renderer lost this render (result expired: it was restarted or crashed); dispatching it again (attempt 2 of 3)`,
      30_000,
    );
    const done = await stack.waitForStatus(id, ["complete", "failed"], 60_000);
    expect(done).toMatchObject({
      status: "failed",
      attempts: 3,
      error:
        "the renderer lost this render (result expired: it was restarted or crashed), on each of its 3 attempts",
    });
    expect(renderer.submits.filter((s) => s.body.job_id === id)).toHaveLength(3);
  });

  it("authenticates status calls and asks for the right call id", () => {
    const call = renderer.statusCalls.find((c) => c.callId === `call-${jobs.deadline!.id}`);
    expect(call?.path).toMatch(/^\/status\?call_id=call-/);
    expect(call?.authorization).toBe("Bearer local-token-xyz");
    expect(worker.output.join("\n")).not.toContain("local-token-xyz");
  });

  it("never lets the lease reaper fail a dispatched render; the render deadline does", async () => {
    const id = jobs.deadline!.id;
    await new Promise((r) => setTimeout(r, 2500)); // > 2 lease periods of 1 s
    expect((await stack.store.get(id))?.status).toBe("processing");
    const done = await stack.waitForStatus(id, ["complete", "failed"], 30_000);
    expect(done.status).toBe("failed");
    expect(done.error).toBe(`render did not finish before its deadline (call_id=call-${id})`);
  });

  it("retries a submit the renderer answered 503, then dispatches", async () => {
    const id = jobs.busy!.id;
    await worker.waitFor(`[Render] Job ${id} dispatched to local renderer`, 60_000);
    expect(worker.output).toContain(
      `[Worker] Job ${id} failed: render submit failed: renderer answered HTTP 503: no GPU free`,
    );
    expect(worker.output).toContain(`[Worker] Job ${id} will be retried (attempt 1 of 3)`);
    expect(renderer.submits.filter((s) => s.body.job_id === id)).toHaveLength(2);
    expect((await stack.store.get(id))?.attempts).toBe(2);
  });

  it.each([
    ["refused", "render submit failed: renderer answered HTTP 400: unknown preset"],
    ["badFormat", 'payload.format "vhs" is not a render format'],
    ["noAudio", "audio job_missing was not found; ingest it first"],
  ])("fails the %s render at once with a readable reason", async (name, reason) => {
    const done = await stack.waitForStatus(jobs[name]!.id, ["complete", "failed"]);
    expect(done).toMatchObject({ status: "failed", error: reason, attempts: 1 });
  });
});

describe("render dispatch to Modal", () => {
  it("posts to MODAL_ENDPOINT_URL with the auth token and polls the derived status URL", async () => {
    const renderer = await startFakeRenderer({
      submit: "/ethereal-submit",
      status: "/ethereal-status",
      gpu: "T4",
      token: "modal-test-token-123",
    });
    const stack = await createStack({
      RENDER_BACKEND: "modal",
      MODAL_ENDPOINT_URL: `${renderer.server.url}/ethereal-submit`,
      MODAL_AUTH_TOKEN: "modal-test-token-123",
    });
    try {
      const audioId = await seedAudio(stack, 1);
      const job = await stack.store.create(render(audioId));
      renderer.setStatus(job.id, { status: "failed", error: "chromium crashed" });
      const worker = stack.startWorker({ WORKER_RECONCILE_INTERVAL_MS: "300" });
      await worker.waitFor(
        `[Render] Job ${job.id} dispatched to Modal (call_id=call-${job.id}, gpu=T4)`,
        60_000,
      );
      const done = await stack.waitForStatus(job.id, ["failed", "complete"]);
      expect(done.error).toBe("renderer reported failed: chromium crashed");
      expect(renderer.submits[0]?.body.auth_token).toBe("modal-test-token-123");
      expect(renderer.statusCalls[0]).toMatchObject({
        callId: `call-${job.id}`,
        authorization: "Bearer modal-test-token-123",
      });
      expect(worker.output.join("\n")).not.toContain("modal-test-token-123");
      worker.child.kill("SIGTERM");
      expect((await worker.exited).code).toBe(0);
    } finally {
      expect(await reapWorkers()).toBe(0);
      await renderer.close();
      await stack.close();
    }
  });
});
