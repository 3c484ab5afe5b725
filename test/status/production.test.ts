// efs status --target production against a production-like stack: provider emulations,
// SeaweedFS as R2, a libsql file as Turso and a web app answering /api/health — read from
// the vault, as an operator runs it.
import { openJobStore } from "@efs/core/jobs/store";
import { ALLOWED_PREFIXES } from "@efs/core/storage/keys";
import { createS3Storage, type S3Storage } from "@efs/core/storage/s3";
import { createClient } from "@libsql/client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StatusSnapshot } from "../../src/handlers/status/types";
import { runEfsInProcess } from "../helpers/cli";
import { createStack, type SharedS3, type Stack, startSharedS3 } from "../verify/stack";

let shared: SharedS3;
let bucket: S3Storage;
beforeAll(async () => {
  shared = await startSharedS3();
  bucket = createS3Storage({
    endpoint: shared.s3.endpoint,
    bucket: "efs-media",
    accessKeyId: shared.r2.accessKey,
    secretAccessKey: shared.r2.secretKey,
  });
}, 120_000);
afterAll(async () => {
  bucket?.close();
  await shared?.s3.stop();
});

let stack: Stack;
beforeEach(async () => {
  for (const p of ALLOWED_PREFIXES) await bucket.deletePrefix(p);
  stack = await createStack(shared);
});
afterEach(async () => {
  await stack.cleanup();
});

async function status(...args: string[]) {
  const res = await stack.efs(["status", "--target", "production", ...args]);
  return res;
}

async function statusJson() {
  const res = await status("--json");
  return { res, snap: res.json().data as StatusSnapshot };
}

// Jobs in every state an operator cares about, written the way the app and worker do.
async function seedJobs(): Promise<{ failedId: string; renderId: string }> {
  const store = await openJobStore({ url: stack.dbUrl });
  try {
    const bad = await store.create({ type: "ingest", payload: {}, maxAttempts: 1 });
    await store.claim({ owner: "worker-1", leaseMs: 60_000 });
    await store.fail(bad.id, "no audio stream in the upload", { owner: "worker-1" });
    await store.create({ type: "ingest", payload: {} });
    await store.create({ type: "ingest", payload: {} });
    const render = await store.create({ type: "render", payload: {} });
    await store.claim({ owner: "worker-1", leaseMs: 60_000, types: ["render"] });
    await store.setProgress(render.id, "worker-1", { stage: "frames", percent: 38 });
    await store.markDispatched(render.id, "worker-1", {
      callId: "fc-01HZCALL",
      backend: "modal",
      deadlineAt: Date.now() + 3_600_000,
    });
    return { failedId: bad.id, renderId: render.id };
  } finally {
    store.close();
  }
}

describe("efs status --target production", () => {
  it("shows health, queue counts, failures, renders, heartbeats, storage and drift; exit 0", async () => {
    const { failedId, renderId } = await seedJobs();
    await bucket.put("uploads/u1/song.wav", "x".repeat(1500));
    await bucket.put("uploads/u2/song.wav", "x".repeat(500));
    await bucket.put("renders/r1/video.mp4", "v".repeat(4000));
    const { res, snap } = await statusJson();
    expect(res.code, res.stderr).toBe(0);
    expect(snap.healthy).toBe(true);
    expect(snap.app).toMatchObject({ ok: true, version: "0.1.0", httpStatus: 200 });
    expect(snap.app.backends).toEqual({ jobStore: "turso", storage: "r2", renderer: "modal" });
    if (!snap.jobs.ok) throw new Error(snap.jobs.error);
    expect(snap.jobs.counts).toEqual([
      { status: "failed", type: "ingest", count: 1 },
      { status: "pending", type: "ingest", count: 2 },
      { status: "processing", type: "render", count: 1 },
    ]);
    expect(snap.jobs.failedRecent.jobs).toMatchObject([
      { id: failedId, error: "no audio stream in the upload" },
    ]);
    expect(snap.jobs.dispatched).toMatchObject([
      { id: renderId, callId: "fc-01HZCALL", backend: "modal", progress: { percent: 38 } },
    ]);
    expect(snap.jobs.oldestPending?.type).toBe("ingest");
    expect(snap.workers).toMatchObject([{ id: "worker-1", state: "live" }]);
    expect(snap.storage).toMatchObject({ ok: true, backend: "r2", where: "bucket efs-media" });
    if (!snap.storage.ok) throw new Error(snap.storage.error);
    const by = Object.fromEntries(snap.storage.prefixes.map((p) => [p.prefix, p]));
    expect(by["uploads/"]).toEqual({ prefix: "uploads/", objects: 2, bytes: 2000 });
    expect(by["renders/"]).toEqual({ prefix: "renders/", objects: 1, bytes: 4000 });
    expect(by["audio/"]).toEqual({ prefix: "audio/", objects: 0, bytes: 0 });
    expect(snap.env?.summary).toMatch(/vercel/);

    const human = await status();
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/jobs +4 total: failed 1 \(ingest 1\) · pending 2 \(ingest 2\)/);
    expect(human.stdout).toContain("no audio stream in the upload");
    expect(human.stdout).toMatch(/call fc-01HZCALL, .* frames 38%/);
    expect(human.stdout).toMatch(
      /uploads\/ 2 \(2\.0 kB\) · audio\/ 0 \(0 B\) · renders\/ 1 \(4\.0 kB\)/,
    );
    expect(human.stdout).toMatch(/worker-1 v0\.1\.0 last heartbeat \d+s ago — live/);
    expect(human.stdout).toContain("✔ healthy");
  });

  it("exits 1 when the only worker stopped heartbeating, naming it", async () => {
    await stack.heartbeat(10 * 60_000);
    const { res, snap } = await statusJson();
    expect(res.code).toBe(1);
    expect(snap.healthy).toBe(false);
    expect(snap.workers).toMatchObject([{ id: "worker-1", state: "stale" }]);
    expect(snap.problems.map((p) => p.what)).toEqual([
      expect.stringMatching(/^worker worker-1 stopped heartbeating 10m \ds ago/),
      "no worker is running: jobs stay pending",
    ]);
    const human = await status();
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("✖ unhealthy: 2 problem(s)");
    expect(human.stdout).toContain("fix: check the worker's logs in the Render dashboard");
  });

  it("exits 1 on failing health and on jobs stuck past their lease", async () => {
    stack.app.health.db = "error: LibsqlError";
    const sick = await statusJson();
    expect(sick.res.code).toBe(1);
    expect(sick.snap.problems[0]).toEqual({
      what: "app health: db: error: LibsqlError",
      fix: "efs verify vercel",
    });
    stack.app.health.db = "ok";
    const store = await openJobStore({ url: stack.dbUrl, now: () => Date.now() - 5 * 60_000 });
    await store.create({ type: "ingest", payload: {} });
    await store.claim({ owner: "worker-gone", leaseMs: 60_000 });
    store.close();
    const stuck = await statusJson();
    expect(stuck.res.code).toBe(1);
    expect(stuck.snap.problems.map((p) => p.what)).toEqual([
      "1 job(s) stuck past their lease or render deadline (nothing re-queued them)",
    ]);
  });

  it("only reads: the job store is not migrated and nothing is written", async () => {
    const db = createClient({ url: stack.dbUrl });
    const before = await db.execute("SELECT COUNT(*) AS n FROM efs_migrations");
    await db.execute("DROP TABLE efs_migrations");
    const { res, snap } = await statusJson();
    expect(res.code, res.stderr).toBe(0);
    expect(snap.jobs.ok).toBe(true);
    const tables = await db.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'efs_migrations'",
    );
    expect(tables.rows).toEqual([]);
    expect(Number(before.rows[0]?.n)).toBeGreaterThan(0);
    db.close();
  });

  it("--watch refreshes until Ctrl-C (130), one JSON document per refresh with --json", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("interrupted")), 3_500);
    const res = await runEfsInProcess(
      [
        "--cwd",
        stack.box.project,
        "status",
        "--target",
        "production",
        "--watch",
        "--interval",
        "1",
        "--json",
      ],
      { env: stack.env, cwd: stack.box.project, signal: ac.signal },
    );
    expect(res.code).toBe(130);
    const docs = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { ok: boolean; data?: StatusSnapshot });
    const snaps = docs.filter((d) => d.ok);
    expect(snaps.length).toBeGreaterThanOrEqual(2);
    expect(snaps.every((d) => d.data?.healthy === true)).toBe(true);
    expect(new Set(snaps.map((d) => d.data?.at)).size).toBe(snaps.length);
  });
});
