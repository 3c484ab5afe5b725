import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Job, JobStore } from "../../src/jobs/types";
import { type Clock, fakeClock, fixture, runTogether, type TempDb, tempDb } from "./helpers";

let db: TempDb;
let clock: Clock;
let store: JobStore;
beforeEach(async () => {
  db = await tempDb();
  clock = fakeClock();
  store = await db.open({ now: clock.now });
});
afterEach(async () => {
  await db.cleanup();
});

async function claimed(type: Job["type"] = "ingest"): Promise<Job> {
  await store.create({ type, payload: {} });
  const job = await store.claim({ owner: "w1", leaseMs: 10_000 });
  if (!job) throw new Error("nothing claimed");
  return job;
}

describe("job lifecycle", () => {
  it("creates pending jobs with sortable ids, defaults and the given payload", async () => {
    const a = await store.create({ type: "ingest", payload: { url: "x" } });
    clock.advance(5);
    const b = await store.create({ type: "render", payload: {}, maxAttempts: 1, priority: 2 });
    expect(a).toMatchObject({ status: "pending", attempts: 0, maxAttempts: 3, priority: 0 });
    expect(a.id).toMatch(/^job_[0-9a-z]{26}$/);
    expect(a.id < b.id).toBe(true);
    expect(b).toMatchObject({ maxAttempts: 1, priority: 2, runAfter: clock.now() });
    expect(await store.get(a.id)).toEqual(a);
    expect(await store.get("job_missing")).toBeNull();
  });

  it("refuses an unknown job type and writes nothing", async () => {
    await expect(store.create({ type: "bogus" as Job["type"], payload: {} })).rejects.toThrow(
      'unknown job type "bogus"',
    );
    expect((await store.list()).jobs).toHaveLength(0);
  });

  it("completes a processing job for its lease holder only", async () => {
    const job = await claimed();
    expect(await store.complete(job.id, { ok: 1 }, { owner: "someone-else" })).toBe(false);
    clock.advance(10);
    expect(await store.complete(job.id, { ok: 1 }, { owner: "w1" })).toBe(true);
    expect(await store.get(job.id)).toMatchObject({
      status: "complete",
      result: { ok: 1 },
      leaseExpiresAt: null,
      finishedAt: clock.now(),
    });
  });

  it("ignores late and replayed completions, failures and cancels after a terminal state", async () => {
    const job = await claimed();
    expect(await store.complete(job.id, { first: true })).toBe(true);
    const after = await store.get(job.id);
    clock.advance(1000);
    expect(await store.complete(job.id, { replay: true })).toBe(false);
    expect(await store.complete(job.id, { late: true }, { owner: "w1" })).toBe(false);
    expect(await store.fail(job.id, "late failure")).toBeNull();
    expect(await store.fail(job.id, "late failure", { retryable: true })).toBeNull();
    expect(await store.cancel(job.id)).toBe(false);
    expect(await store.heartbeat(job.id, "w1", 10_000)).toBe(false);
    expect(await store.release(job.id, "w1")).toBe(false);
    expect(await store.setProgress(job.id, "w1", { percent: 5 })).toBe(false);
    expect(await store.get(job.id)).toEqual(after);
  });

  it("keeps a failed job failed when a late completion arrives", async () => {
    const job = await claimed();
    expect((await store.fail(job.id, "ffmpeg exited 1", { owner: "w1" }))?.status).toBe("failed");
    expect(await store.complete(job.id, { late: true })).toBe(false);
    expect(await store.get(job.id)).toMatchObject({
      status: "failed",
      error: "ffmpeg exited 1",
      result: null,
    });
  });

  it("lets exactly one of a cancel and a completion racing on the same job win", async () => {
    const other = await db.open({ now: clock.now });
    const winners = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const job = await claimed();
      const complete = () => store.complete(job.id, { ok: true }, { owner: "w1" });
      const cancel = () => other.cancel(job.id);
      // alternate who goes first so both compare-and-set paths lose sometimes
      const [completed, cancelled] =
        i % 2 === 0
          ? await Promise.all([complete(), cancel()])
          : await Promise.all([cancel(), complete()]).then(([c, d]) => [d, c] as const);
      winners.add(completed ? "complete" : "cancel");
      expect(completed !== cancelled).toBe(true);
      const final = await store.get(job.id);
      expect(final?.status).toBe(completed ? "complete" : "cancelled");
      expect(final?.result).toEqual(completed ? { ok: true } : null);
    }
    expect(winners).toEqual(new Set(["complete", "cancel"]));
  });

  it("lets exactly one of two processes racing cancel and complete win, job by job", async () => {
    const real = await db.open();
    const ids: string[] = [];
    for (let i = 0; i < 80; i++) {
      await real.create({ type: "ingest", payload: {} });
      const job = await real.claim({ owner: "w1", leaseMs: 600_000 });
      if (job) ids.push(job.id);
    }
    // the canceller walks the list backwards so the two meet in the middle
    const [completedOut, cancelledOut] = await runTogether(fixture("racer.ts"), [
      [db.url, "complete", "w1", ids.join(",")],
      [db.url, "cancel", "ui", [...ids].reverse().join(",")],
    ]);
    const completed = new Set(JSON.parse(completedOut ?? "[]") as string[]);
    const cancelled = new Set(JSON.parse(cancelledOut ?? "[]") as string[]);
    for (const id of ids) {
      expect(completed.has(id) !== cancelled.has(id), id).toBe(true);
      const job = await real.get(id);
      expect(job?.status).toBe(completed.has(id) ? "complete" : "cancelled");
      expect(job?.result).toEqual(completed.has(id) ? { by: "w1" } : null);
    }
  });

  it("cancels a processing job at once and the worker learns it from its heartbeat", async () => {
    const job = await claimed();
    expect(await store.cancel(job.id)).toBe(true);
    expect(await store.get(job.id)).toMatchObject({ status: "cancelled", cancelRequested: true });
    expect(await store.heartbeat(job.id, "w1", 10_000)).toBe(false);
    expect(await store.complete(job.id, {}, { owner: "w1" })).toBe(false);
  });

  it("cancels a pending job so no worker claims it", async () => {
    const job = await store.create({ type: "ingest", payload: {} });
    expect(await store.cancel(job.id)).toBe(true);
    expect(await store.claim({ owner: "w1", leaseMs: 1000 })).toBeNull();
    expect(await store.cancel(job.id)).toBe(false);
    expect(await store.cancel("job_missing")).toBe(false);
  });

  it("renews the lease on heartbeat and records progress for the holder only", async () => {
    const job = await claimed();
    clock.advance(5_000);
    expect(await store.heartbeat(job.id, "w2", 10_000)).toBe(false);
    expect(await store.heartbeat(job.id, "w1", 10_000)).toBe(true);
    expect(await store.setProgress(job.id, "w2", { percent: 1 })).toBe(false);
    expect(await store.setProgress(job.id, "w1", { stage: "ffmpeg", percent: 40 })).toBe(true);
    expect(await store.get(job.id)).toMatchObject({
      leaseExpiresAt: clock.now() + 10_000,
      progress: { stage: "ffmpeg", percent: 40 },
    });
  });

  it("releases a job on shutdown without counting the attempt", async () => {
    const job = await claimed();
    expect(await store.release(job.id, "w2")).toBe(false);
    expect(await store.release(job.id, "w1")).toBe(true);
    expect(await store.get(job.id)).toMatchObject({
      status: "pending",
      attempts: 0,
      leaseOwner: null,
    });
    expect((await store.claim({ owner: "w2", leaseMs: 1000 }))?.attempts).toBe(1);
  });

  it("records worker heartbeats and lists the most recently seen first", async () => {
    await store.recordWorkerHeartbeat({ workerId: "a", version: "0.1.0", startedAt: clock.now() });
    clock.advance(100);
    await store.recordWorkerHeartbeat({ workerId: "b", version: "0.1.0", startedAt: clock.now() });
    clock.advance(100);
    await store.recordWorkerHeartbeat({
      workerId: "a",
      version: "0.1.1",
      startedAt: clock.now() - 200,
    });
    expect(await store.listWorkers()).toEqual([
      { workerId: "a", version: "0.1.1", startedAt: clock.now() - 200, lastSeenAt: clock.now() },
      {
        workerId: "b",
        version: "0.1.0",
        startedAt: clock.now() - 100,
        lastSeenAt: clock.now() - 100,
      },
    ]);
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
