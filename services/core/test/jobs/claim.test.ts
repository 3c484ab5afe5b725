import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobStore } from "../../src/jobs/types";
import { fakeClock, fixture, runTogether, type TempDb, tempDb } from "./helpers";

let db: TempDb;
beforeEach(async () => {
  db = await tempDb();
});
afterEach(async () => {
  await db.cleanup();
});

async function seed(store: JobStore, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await store.create({ type: "ingest", payload: { i } })).id);
  return ids;
}

describe("claim", () => {
  it("leases the job to the owner, counts the attempt and sets the lease expiry", async () => {
    const clock = fakeClock();
    const store = await db.open({ now: clock.now });
    const job = await store.create({ type: "ingest", payload: { a: 1 } });
    const claimed = await store.claim({ owner: "w1", leaseMs: 30_000 });
    expect(claimed).toMatchObject({
      id: job.id,
      status: "processing",
      attempts: 1,
      leaseOwner: "w1",
      leaseExpiresAt: clock.now() + 30_000,
      payload: { a: 1 },
    });
    expect(await store.claim({ owner: "w2", leaseMs: 30_000 })).toBeNull();
  });

  it("picks by priority, then run_after, then creation order, and skips jobs still backing off", async () => {
    const clock = fakeClock();
    const store = await db.open({ now: clock.now });
    const low = await store.create({ type: "ingest", payload: {} });
    clock.advance(1);
    const high = await store.create({ type: "ingest", payload: {}, priority: 5 });
    clock.advance(1);
    const later = await store.create({
      type: "ingest",
      payload: {},
      priority: 9,
      runAfter: clock.now() + 10_000,
    });
    clock.advance(1);
    const low2 = await store.create({ type: "ingest", payload: {} });
    const order: string[] = [];
    for (;;) {
      const j = await store.claim({ owner: "w", leaseMs: 1000 });
      if (!j) break;
      order.push(j.id);
    }
    expect(order).toEqual([high.id, low.id, low2.id]);
    clock.advance(10_000);
    expect((await store.claim({ owner: "w", leaseMs: 1000 }))?.id).toBe(later.id);
  });

  it("claims only the requested job types", async () => {
    const store = await db.open();
    await store.create({ type: "ingest", payload: {} });
    const render = await store.create({ type: "render", payload: {} });
    const got = await store.claim({ owner: "r", leaseMs: 1000, types: ["render", "preview"] });
    expect(got?.id).toBe(render.id);
    expect(await store.claim({ owner: "r", leaseMs: 1000, types: ["render"] })).toBeNull();
  });

  it("never gives one job to two of several connections claiming at once", async () => {
    const seeder = await db.open();
    const ids = await seed(seeder, 120);
    const stores = await Promise.all([1, 2, 3, 4].map(() => db.open()));
    const claimedBy = await Promise.all(
      stores.map(async (store, w) => {
        const mine: string[] = [];
        for (;;) {
          const job = await store.claim({ owner: `w${w}`, leaseMs: 60_000 });
          if (!job) return mine;
          mine.push(job.id);
        }
      }),
    );
    const all = claimedBy.flat();
    expect(all).toHaveLength(ids.length);
    expect(new Set(all).size).toBe(ids.length);
    const { jobs } = await seeder.list({ status: "processing", limit: 500 });
    expect(jobs.every((j) => j.attempts === 1)).toBe(true);
  });

  it("never gives one job to two worker processes sharing the file", async () => {
    const seeder = await db.open();
    const ids = await seed(seeder, 300);
    const outputs = await runTogether(
      fixture("claimer.ts"),
      ["p1", "p2", "p3"].map((owner) => [db.url, owner]),
    );
    const done = outputs.flatMap((o) => JSON.parse(o) as string[]);
    expect(done.sort()).toEqual([...ids].sort());
    const { jobs } = await seeder.list({ status: "complete", limit: 500 });
    expect(jobs).toHaveLength(ids.length);
    expect(jobs.every((j) => j.attempts === 1)).toBe(true);
  });
});
