// POST /api/webhooks/worker: bearer auth (shared secret or the job's own token), 401 that
// reveals nothing, idempotent replays, immutable terminal states, contract fixtures.
import { readFileSync } from "node:fs";
import { deriveJobToken } from "@efs/core/webhook-auth";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as webhook } from "../../app/api/webhooks/worker/route";
import {
  body,
  errorOf,
  openStudio,
  readyAudio,
  request,
  type Studio,
  WEBHOOK_SECRET,
} from "../helpers";

interface Fixture {
  name: string;
  body: Record<string, unknown>;
  status?: number;
}
const fixtures = JSON.parse(
  readFileSync(new URL("../../../../contracts/webhook.json", import.meta.url), "utf8"),
) as { valid: Fixture[]; invalid: Fixture[] };

let studio: Studio;
let audioId: string;
beforeAll(async () => {
  studio = await openStudio();
  audioId = await readyAudio(studio.ctx);
});
afterAll(() => studio.close());

const call = (payload: unknown, token: string | null, raw?: string) =>
  webhook(
    request("/api/webhooks/worker", {
      ...(raw !== undefined
        ? { raw, headers: { "content-type": "application/json" } }
        : { body: payload }),
      ...(token
        ? { headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }
        : {}),
      cookie: null,
    }),
  );

// A render job dispatched to the renderer (processing, lease dropped), with its video stored.
async function dispatchedRender(): Promise<{ id: string; videoKey: string }> {
  const job = await studio.ctx.jobs.create({
    type: "render",
    payload: {
      audioId,
      preset: "ethereal-flame",
      format: "preview-360p",
      fps: 30,
      durationSec: null,
    },
    priority: 100,
  });
  const claimed = await studio.ctx.jobs.claim({ owner: "w", leaseMs: 60_000, types: ["render"] });
  expect(claimed?.id).toBe(job.id);
  await studio.ctx.jobs.markDispatched(job.id, "w", {
    callId: "c1",
    backend: "local",
    deadlineAt: Date.now() + 3_600_000,
  });
  const videoKey = `renders/${job.id}/output.mp4`;
  await studio.ctx.storage.put(videoKey, "mp4", { contentType: "video/mp4" });
  return { id: job.id, videoKey };
}

describe("webhook auth", () => {
  it("answers the same bare 401 for no token, a wrong token and another job's token", async () => {
    const { id, videoKey } = await dispatchedRender();
    const other = await dispatchedRender();
    const payload = {
      jobId: id,
      status: "complete",
      result: { videoKey, format: "preview-360p", durationSeconds: 1 },
    };
    const answers = [];
    for (const token of [
      null,
      "wrong",
      "ab".repeat(32).toUpperCase(),
      deriveJobToken(WEBHOOK_SECRET, other.id),
    ]) {
      const res = await call(payload, token);
      expect(res.status).toBe(401);
      answers.push(await res.text());
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toBe(
      JSON.stringify({ error: { code: "unauthorized", message: "Unauthorized." } }),
    );
    expect((await studio.ctx.jobs.get(id))?.status).toBe("processing");
  });

  it("401s a garbage body without a valid token rather than saying it is malformed", async () => {
    expect((await call(undefined, "nope", "{{{")).status).toBe(401);
  });
});

describe("webhook outcomes", () => {
  it("completes a render with the per-job token, logs it, and ignores the replay", async () => {
    const { id, videoKey } = await dispatchedRender();
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const payload = {
      jobId: id,
      status: "complete",
      result: { videoKey, format: "preview-360p", durationSeconds: 5 },
    };
    const token = deriveJobToken(WEBHOOK_SECRET, id);
    const res = await call(payload, token);
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ ok: true, applied: true, status: "complete" });
    expect(log).toHaveBeenCalledWith(`[Webhook] Render complete for job ${id}`);
    log.mockRestore();
    const done = await studio.ctx.jobs.get(id);
    expect(done?.result).toMatchObject({ videoKey, durationSeconds: 5 });

    const replay = await call(payload, token);
    expect(replay.status).toBe(200);
    expect(await body(replay)).toEqual({ ok: true, applied: false, status: "complete" });
    const late = await call({ jobId: id, status: "failed", error: "late failure" }, WEBHOOK_SECRET);
    expect(await body(late)).toEqual({ ok: true, applied: false, status: "complete" });
    const after = await studio.ctx.jobs.get(id);
    expect(after?.status).toBe("complete");
    expect(after?.updatedAt).toBe(done?.updatedAt);
  });

  it("fails a render with the shared secret and keeps the reason; a cancelled job stays cancelled", async () => {
    const { id } = await dispatchedRender();
    const res = await call(
      { jobId: id, status: "failed", error: "chromium crashed at frame 120" },
      WEBHOOK_SECRET,
    );
    expect(await body(res)).toEqual({ ok: true, applied: true, status: "failed" });
    expect((await studio.ctx.jobs.get(id))?.error).toBe("chromium crashed at frame 120");

    const cancelled = await dispatchedRender();
    await studio.ctx.jobs.cancel(cancelled.id);
    const late = await call(
      {
        jobId: cancelled.id,
        status: "complete",
        result: { videoKey: cancelled.videoKey, format: "preview-360p", durationSeconds: 1 },
      },
      WEBHOOK_SECRET,
    );
    expect(await body(late)).toEqual({ ok: true, applied: false, status: "cancelled" });
  });

  it("answers 404 for an unknown job and 400 for malformed bodies once authenticated", async () => {
    const unknown = await call(
      { jobId: "job_unknown", status: "failed", error: "x" },
      WEBHOOK_SECRET,
    );
    expect(unknown.status).toBe(404);
    const malformed = await call(undefined, WEBHOOK_SECRET, "{not json");
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe("malformed_json");
  });

  it("refuses a completion whose video is missing or outside renders/", async () => {
    const { id } = await dispatchedRender();
    const missing = await call(
      {
        jobId: id,
        status: "complete",
        result: { videoKey: `renders/${id}/nope.mp4`, format: "preview-360p", durationSeconds: 1 },
      },
      WEBHOOK_SECRET,
    );
    expect(missing.status).toBe(400);
    const outside = await call(
      {
        jobId: id,
        status: "complete",
        result: { videoKey: "uploads/x/a.mp3", format: "preview-360p", durationSeconds: 1 },
      },
      WEBHOOK_SECRET,
    );
    expect(outside.status).toBe(400);
    expect((await studio.ctx.jobs.get(id))?.status).toBe("processing");
  });

  it("refuses a render result whose keys leave the job's folder or traverse, and keeps the job running", async () => {
    const { id, videoKey } = await dispatchedRender();
    const other = await dispatchedRender();
    const base = { videoKey, format: "preview-360p", durationSeconds: 1 };
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...base, thumbnailKey: "../../x" }, "result.thumbnailKey is not a valid storage key"],
      [{ ...base, thumbnailKey: "renders/../../etc/passwd" }, "result.thumbnailKey is not a valid"],
      [
        { ...base, thumbnailKey: other.videoKey },
        `result.thumbnailKey must be under "renders/${id}/"`,
      ],
      [{ ...base, thumbnailKey: `renders/${id}/thumb.jpg` }, "result.thumbnailKey: no such object"],
      [{ ...base, videoKey: other.videoKey }, `result.videoKey must be under "renders/${id}/"`],
      [
        { ...base, videoKey: "renders/a/../../x.mp4" },
        "result.videoKey is not a valid storage key",
      ],
      [{ ...base, posterKey: 42 }, "result.posterKey is not a valid storage key"],
    ];
    for (const [result, message] of bad) {
      const res = await call({ jobId: id, status: "complete", result }, WEBHOOK_SECRET);
      expect(res.status, JSON.stringify(result)).toBe(400);
      expect((await errorOf(res)).message).toContain(message);
    }
    expect((await studio.ctx.jobs.get(id))?.status).toBe("processing");

    const thumbnailKey = `renders/${id}/thumb.jpg`;
    await studio.ctx.storage.put(thumbnailKey, "jpg", { contentType: "image/jpeg" });
    const ok = await call(
      { jobId: id, status: "complete", result: { ...base, thumbnailKey } },
      WEBHOOK_SECRET,
    );
    expect(await body(ok)).toEqual({ ok: true, applied: true, status: "complete" });
    expect((await studio.ctx.jobs.get(id))?.result).toMatchObject({ thumbnailKey });
  });

  it("never finishes a non-render job: an ingest, preview or save belongs to the worker holding it", async () => {
    const ingest = await studio.ctx.jobs.create({
      type: "ingest",
      payload: { source: { kind: "url", url: "https://example.com/x.mp3" } },
      priority: 200,
    });
    expect(
      (await studio.ctx.jobs.claim({ owner: "w", leaseMs: 60_000, types: ["ingest"] }))?.id,
    ).toBe(ingest.id);
    const forged = {
      title: "forged",
      durationSec: 1,
      sampleRate: 48000,
      channels: 2,
      codec: "mp3",
      keys: { master: "audio/x/master.wav", stream: "audio/x/stream.m4a" },
    };
    for (const payload of [
      { jobId: ingest.id, status: "complete", result: forged },
      { jobId: ingest.id, status: "failed", error: "forged failure" },
    ]) {
      for (const token of [WEBHOOK_SECRET, deriveJobToken(WEBHOOK_SECRET, ingest.id)]) {
        const res = await call(payload, token);
        expect(res.status).toBe(409);
        expect((await errorOf(res)).message).toContain("only render jobs are finished");
      }
    }
    expect(await studio.ctx.jobs.get(ingest.id)).toMatchObject({
      status: "processing",
      result: null,
      error: null,
    });
    await studio.ctx.jobs.release(ingest.id, "w");
    await studio.ctx.jobs.cancel(ingest.id);
  });

  it("follows the shared contract fixtures", async () => {
    for (const f of fixtures.invalid) {
      const res = await call(f.body, WEBHOOK_SECRET);
      expect(res.status, f.name).toBe(f.status);
    }
    for (const f of fixtures.valid) {
      const { id } = await dispatchedRender();
      // The fixture's keys (video, thumbnail) moved into this job's folder, each one stored.
      const result = f.body.result
        ? (JSON.parse(
            JSON.stringify(f.body.result).replaceAll(`renders/${f.body.jobId}/`, `renders/${id}/`),
          ) as Record<string, unknown>)
        : null;
      for (const [name, key] of Object.entries(result ?? {})) {
        if (name.endsWith("Key")) await studio.ctx.storage.put(String(key), "bytes");
      }
      const payload = { ...f.body, jobId: id, ...(result ? { result } : {}) };
      const res = await call(payload, deriveJobToken(WEBHOOK_SECRET, id));
      expect(res.status, f.name).toBe(200);
      expect((await body(res)).applied, f.name).toBe(true);
    }
  });
});

describe("webhook during a secret rotation", () => {
  const PREVIOUS = "c3".repeat(32);

  it("accepts the previous secret while INTERNAL_WEBHOOK_SECRET_PREVIOUS is set, and not after", async () => {
    studio.close();
    studio = await openStudio({ INTERNAL_WEBHOOK_SECRET_PREVIOUS: PREVIOUS });
    audioId = await readyAudio(studio.ctx);
    const { id } = await dispatchedRender();
    const res = await call(
      { jobId: id, status: "failed", error: "sent with the old secret" },
      PREVIOUS,
    );
    expect(await body(res)).toEqual({ ok: true, applied: true, status: "failed" });

    studio.close();
    studio = await openStudio();
    audioId = await readyAudio(studio.ctx);
    const retired = await dispatchedRender();
    const refused = await call({ jobId: retired.id, status: "failed", error: "x" }, PREVIOUS);
    expect(refused.status).toBe(401);
    expect((await studio.ctx.jobs.get(retired.id))?.status).toBe("processing");
  });
});
