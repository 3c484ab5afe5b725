// Deleted jobs: tombstones hidden from lists, only for finished jobs, purged one by one later;
// list filters by track and title; progress of dispatched renders keyed by their call id and
// cleared when a render goes back to the queue.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobStore } from "../../src/jobs/types";
import { type Clock, fakeClock, type TempDb, tempDb } from "./helpers";

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

const ids = async (f: Parameters<JobStore["list"]>[0] = {}) =>
  (await store.list(f)).jobs.map((j) => j.id).sort();

describe("deleting jobs", () => {
  it("marks only finished jobs deleted, once, and hides them from every list", async () => {
    const running = await store.create({ type: "ingest", payload: {} });
    const done = await store.create({ type: "render", payload: { audioId: running.id } });
    expect(await store.markDeleted(running.id)).toBe(false); // still pending: cancel first
    await store.cancel(done.id);
    expect(await store.markDeleted(done.id)).toBe(true);
    expect(await store.markDeleted(done.id)).toBe(false);
    expect(await ids()).toEqual([running.id]);
    expect(await ids({ audioId: running.id })).toEqual([]);
    expect(await store.get(done.id)).toMatchObject({ status: "cancelled", deletedAt: clock.now() });
    expect(await store.markDeleted("job_nope")).toBe(false);
  });

  it("lists tombstones older than a time and purges them one by one", async () => {
    const a = await store.create({ type: "ingest", payload: {} });
    const b = await store.create({ type: "ingest", payload: {} });
    await store.cancel(a.id);
    await store.cancel(b.id);
    await store.markDeleted(a.id);
    clock.advance(10_000);
    await store.markDeleted(b.id);
    expect((await store.listDeleted(clock.now() - 5_000)).map((j) => j.id)).toEqual([a.id]);
    expect(await store.purgeDeleted(b.id)).toBe(true);
    expect(await store.get(b.id)).toBeNull();
    const live = await store.create({ type: "ingest", payload: {} });
    expect(await store.purgeDeleted(live.id)).toBe(false); // never a live job
    expect(await store.get(live.id)).not.toBeNull();
  });
});

describe("list filters", () => {
  it("finds the jobs made from one track and titles containing a text, any case", async () => {
    const song = await store.create({ type: "ingest", payload: { title: "Midnight Drive" } });
    const other = await store.create({
      type: "ingest",
      payload: { source: { kind: "upload", filename: "rain-on-tin.wav" } },
    });
    const render = await store.create({
      type: "render",
      payload: { audioId: song.id, title: "Midnight Drive · Aurora · 4K landscape" },
    });
    const preview = await store.create({ type: "preview", payload: { audioId: song.id } });
    expect(await ids({ audioId: song.id })).toEqual([render.id, preview.id].sort());
    expect(await ids({ titleContains: "midnight" })).toEqual([song.id, render.id].sort());
    expect(await ids({ titleContains: "TIN.W", type: "ingest" })).toEqual([other.id]);
    expect(await ids({ titleContains: "%" })).toEqual([]);
  });

  it("searches a link as it is shown: never by the credentials or the query it carries", async () => {
    const link = await store.create({
      type: "ingest",
      payload: {
        source: {
          kind: "url",
          url: "https://ann:p@ss%3Aw0rd@Media.Example.com:8443/sets/night-ride.mp3?token=t0k3n#t=5",
        },
      },
    });
    for (const found of ["media.example.com:8443", "night-ride", "https://media.example.com"]) {
      expect(await ids({ titleContains: found }), found).toEqual([link.id]);
    }
    for (const hidden of ["ann", "w0rd", "@", "t0k3n", "token", "t=5"]) {
      expect(await ids({ titleContains: hidden }), hidden).toEqual([]);
    }
  });
});

describe("progress of a dispatched render", () => {
  it("is written only under the call id it was dispatched with, while it runs", async () => {
    const job = await store.create({ type: "render", payload: {} });
    await store.claim({ owner: "w", leaseMs: 1000 });
    await store.markDispatched(job.id, "w", { callId: "c1", backend: "local", deadlineAt: 1e15 });
    expect(await store.setDispatchProgress(job.id, "c2", { percent: 5 })).toBe(false);
    expect(await store.setDispatchProgress(job.id, "c1", { stage: "rendering", percent: 40 })).toBe(
      true,
    );
    expect((await store.get(job.id))?.progress).toEqual({ stage: "rendering", percent: 40 });
    await store.complete(job.id, { videoKey: "renders/x/output.mp4" });
    expect(await store.setDispatchProgress(job.id, "c1", { percent: 50 })).toBe(false);
  });

  it("starts from nothing again when the render goes back to the queue (the renderer lost it)", async () => {
    const job = await store.create({ type: "render", payload: {} });
    await store.claim({ owner: "w", leaseMs: 1000 });
    await store.markDispatched(job.id, "w", { callId: "c1", backend: "local", deadlineAt: 1e15 });
    await store.setDispatchProgress(job.id, "c1", { stage: "rendering", percent: 60 });
    const requeued = await store.fail(job.id, "the renderer lost this render", { retryable: true });
    expect(requeued).toMatchObject({ status: "pending", progress: null });
    // A failure for good keeps the last progress: where it stopped.
    clock.advance(3_600_000);
    await store.claim({ owner: "w", leaseMs: 1000 });
    await store.markDispatched(job.id, "w", { callId: "c2", backend: "local", deadlineAt: 1e15 });
    await store.setDispatchProgress(job.id, "c2", { stage: "rendering", percent: 30 });
    expect(await store.fail(job.id, "renderer reported failed")).toMatchObject({
      status: "failed",
      progress: { stage: "rendering", percent: 30 },
    });
  });
});
