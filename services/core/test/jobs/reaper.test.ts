import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backoffMs } from "../../src/jobs/backoff";
import { openJobStore } from "../../src/jobs/store";
import type { JobStore } from "../../src/jobs/types";
import { type Clock, fakeClock, fixture, type TempDb, tempDb } from "./helpers";

const BACKOFF = { baseMs: 1_000, maxMs: 8_000 };

let db: TempDb;
let clock: Clock;
let store: JobStore;
beforeEach(async () => {
  db = await tempDb();
  clock = fakeClock();
  store = await db.open({ now: clock.now, backoff: BACKOFF });
});
afterEach(async () => {
  await db.cleanup();
});

describe("backoff", () => {
  it("doubles from the base per attempt and stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, BACKOFF))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffMs(60, { baseMs: 2000, maxMs: 300_000 })).toBe(300_000);
  });

  it("re-queues retryable failures on that schedule until attempts run out, then fails", async () => {
    const job = await store.create({ type: "ingest", payload: {}, maxAttempts: 4 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const claimed = await store.claim({ owner: "w", leaseMs: 60_000 });
      expect(claimed).toMatchObject({ id: job.id, attempts: attempt });
      const after = await store.fail(job.id, `network error ${attempt}`, {
        owner: "w",
        retryable: true,
      });
      if (attempt < 4) {
        expect(after).toMatchObject({
          status: "pending",
          leaseOwner: null,
          error: `network error ${attempt}`,
        });
        delays.push((after?.runAfter ?? 0) - clock.now());
        clock.advance((after?.runAfter ?? 0) - clock.now() - 1);
        expect(await store.claim({ owner: "w", leaseMs: 60_000 })).toBeNull();
        clock.advance(1);
      } else {
        expect(after).toMatchObject({
          status: "failed",
          error: "network error 4",
          finishedAt: clock.now(),
        });
      }
    }
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it("fails a non-retryable error at once even with attempts left", async () => {
    const job = await store.create({ type: "ingest", payload: {}, maxAttempts: 5 });
    await store.claim({ owner: "w", leaseMs: 1000 });
    expect(await store.fail(job.id, "unsupported codec", { owner: "w" })).toMatchObject({
      status: "failed",
      attempts: 1,
    });
  });
});

describe("reaper", () => {
  it("re-queues an expired lease in its old place, then the job completes exactly once with no stale error", async () => {
    const job = await store.create({ type: "ingest", payload: {} });
    await store.claim({ owner: "dead-worker", leaseMs: 5_000 });
    clock.advance(1_000);
    const later = await store.create({ type: "ingest", payload: {} });
    clock.advance(3_999);
    expect(await store.reap()).toMatchObject({ requeued: 0, failed: 0 });
    clock.advance(2);
    expect(await store.reap()).toMatchObject({ requeued: 1, failed: 0 });
    const requeued = await store.get(job.id);
    expect(requeued).toMatchObject({ status: "pending", attempts: 1, leaseOwner: null });
    expect(requeued?.error).toContain("worker dead-worker stopped responding");
    expect(requeued?.runAfter).toBe(job.runAfter);
    // first in line again, ahead of the job created while it was running
    expect(await store.queuePosition(job.id)).toBe(1);
    expect(await store.queuePosition(later.id)).toBe(2);
    expect(await store.claim({ owner: "w2", leaseMs: 5_000 })).toMatchObject({
      id: job.id,
      attempts: 2,
    });
    // the dead worker wakes up: none of its writes land
    expect(await store.heartbeat(job.id, "dead-worker", 5_000)).toBe(false);
    expect(await store.complete(job.id, { by: "dead" }, { owner: "dead-worker" })).toBe(false);
    expect(await store.complete(job.id, { by: "w2" }, { owner: "w2" })).toBe(true);
    expect(await store.complete(job.id, { by: "w2-replay" }, { owner: "w2" })).toBe(false);
    expect(await store.get(job.id)).toMatchObject({
      status: "complete",
      result: { by: "w2" },
      error: null,
    });
  });

  it("re-queues the jobs a worker restarted under the same id still holds, without waiting for the lease", async () => {
    const held = await store.create({ type: "ingest", payload: {} });
    const other = await store.create({ type: "ingest", payload: {}, maxAttempts: 1 });
    await store.claim({ owner: "efs-up-worker-1", leaseMs: 60_000 });
    await store.claim({ owner: "efs-up-worker-1", leaseMs: 60_000 });
    const foreign = await store.create({ type: "ingest", payload: {} });
    await store.claim({ owner: "efs-up-worker-2", leaseMs: 60_000 });
    expect(await store.reapOwner("efs-up-worker-1")).toEqual({
      requeued: 1,
      failed: 1,
      failedIds: [other.id],
    });
    expect(await store.get(held.id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(await store.get(other.id)).toMatchObject({ status: "failed" });
    expect(await store.get(foreign.id)).toMatchObject({
      status: "processing",
      leaseOwner: "efs-up-worker-2",
    });
  });

  it("fails a job whose lease expired on its last attempt, naming the worker", async () => {
    const job = await store.create({ type: "ingest", payload: {}, maxAttempts: 2 });
    for (const owner of ["w1", "w2"]) {
      expect(await store.claim({ owner, leaseMs: 1_000 })).not.toBeNull();
      clock.advance(10_000);
      await store.reap();
    }
    expect(await store.get(job.id)).toMatchObject({
      status: "failed",
      attempts: 2,
      error: "lease expired after 2 attempts (worker w2 stopped responding)",
      finishedAt: clock.now(),
    });
    expect(await store.reap()).toMatchObject({ requeued: 0, failed: 0 });
  });

  it("does not reap a render dispatched to a remote renderer; it is listed when overdue", async () => {
    const job = await store.create({ type: "render", payload: {} });
    await store.claim({ owner: "w1", leaseMs: 1_000 });
    const deadlineAt = clock.now() + 3_600_000;
    expect(
      await store.markDispatched(job.id, "w2", { callId: "x", backend: "modal", deadlineAt }),
    ).toBe(false);
    expect(
      await store.markDispatched(job.id, "w1", { callId: "fc-1", backend: "modal", deadlineAt }),
    ).toBe(true);
    clock.advance(60_000);
    expect(await store.reap()).toMatchObject({ requeued: 0, failed: 0 });
    const dispatched = await store.get(job.id);
    expect(dispatched).toMatchObject({
      status: "processing",
      leaseOwner: null,
      leaseExpiresAt: null,
      dispatch: { callId: "fc-1", backend: "modal", deadlineAt },
    });
    expect((await store.listDispatched()).map((j) => j.id)).toEqual([job.id]);
    expect(await store.listOverdueDispatches()).toEqual([]);
    clock.advance(3_600_000);
    expect((await store.listOverdueDispatches()).map((j) => j.id)).toEqual([job.id]);
    expect(await store.reap()).toMatchObject({ requeued: 0, failed: 0 });
    // the renderer's webhook completes it (no lease owner any more)
    expect(await store.complete(job.id, { key: "renders/x.mp4" })).toBe(true);
    expect(await store.listDispatched()).toEqual([]);
  });

  it("re-queues a killed worker process's job after its lease expires; another completes it once", async () => {
    const realStore = await db.open({ backoff: { baseMs: 50, maxMs: 50 } });
    const job = await realStore.create({ type: "ingest", payload: {} });
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fixture("hold-lease.ts"), db.url, "doomed", "800"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (d: Buffer) => resolve(d.toString()));
        child.once("exit", (code) => reject(new Error(`hold-lease exited early (${code})`)));
      });
      expect(JSON.parse(line)).toEqual({ id: job.id });
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    expect(await realStore.get(job.id)).toMatchObject({
      status: "processing",
      leaseOwner: "doomed",
    });
    expect(await realStore.reap()).toMatchObject({ requeued: 0, failed: 0 });
    await new Promise((r) => setTimeout(r, 900));
    expect(await realStore.reap()).toMatchObject({ requeued: 1, failed: 0 });
    await new Promise((r) => setTimeout(r, 60));
    const again = await realStore.claim({ owner: "survivor", leaseMs: 10_000 });
    expect(again).toMatchObject({ id: job.id, attempts: 2 });
    expect(await realStore.complete(job.id, { ok: true }, { owner: "doomed" })).toBe(false);
    expect(await realStore.complete(job.id, { ok: true }, { owner: "survivor" })).toBe(true);
    expect(await realStore.get(job.id)).toMatchObject({ status: "complete", attempts: 2 });
  });

  it("lets concurrent reapers on several connections re-queue each expired job once", async () => {
    const jobs = await Promise.all(
      [1, 2, 3, 4, 5].map(() => store.create({ type: "ingest", payload: {} })),
    );
    for (const _ of jobs) await store.claim({ owner: "w", leaseMs: 1_000 });
    clock.advance(2_000);
    const others = await Promise.all(
      [1, 2, 3].map(() => openJobStore({ url: db.url, now: clock.now })),
    );
    try {
      const results = await Promise.all([store, ...others].map((s) => s.reap()));
      expect(results.reduce((n, r) => n + r.requeued, 0)).toBe(5);
    } finally {
      for (const s of others) s.close();
    }
  });
});
