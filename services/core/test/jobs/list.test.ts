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

describe("list and queue position", () => {
  it("pages through every job newest first with a cursor, without gaps or repeats", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      ids.push((await store.create({ type: i % 2 ? "render" : "ingest", payload: { i } })).id);
      clock.advance(1);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<JobStore["list"]>> = await store.list({ limit: 5, cursor });
      expect(page.jobs.length).toBeLessThanOrEqual(5);
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by status and type, alone or as lists", async () => {
    const a = await store.create({ type: "ingest", payload: {} });
    const b = await store.create({ type: "render", payload: {} });
    const c = await store.create({ type: "render", payload: {} });
    await store.cancel(c.id);
    const ids = async (f: Parameters<JobStore["list"]>[0]) =>
      (await store.list(f)).jobs.map((j) => j.id).sort();
    expect(await ids({ type: "render" })).toEqual([b.id, c.id].sort());
    expect(await ids({ status: "pending" })).toEqual([a.id, b.id].sort());
    expect(await ids({ status: "pending", type: "render" })).toEqual([b.id]);
    expect(await ids({ status: ["cancelled", "complete"] })).toEqual([c.id]);
    expect(await ids({ type: ["preview", "save"] })).toEqual([]);
  });

  it("reports a pending job's 1-based place in claim order, and null once claimed", async () => {
    const first = await store.create({ type: "ingest", payload: {} });
    clock.advance(1);
    const second = await store.create({ type: "ingest", payload: {} });
    clock.advance(1);
    const urgent = await store.create({ type: "render", payload: {}, priority: 10 });
    expect(await store.queuePosition(urgent.id)).toBe(1);
    expect(await store.queuePosition(first.id)).toBe(2);
    expect(await store.queuePosition(second.id)).toBe(3);
    const claimed = await store.claim({ owner: "w", leaseMs: 1000 });
    expect(claimed?.id).toBe(urgent.id);
    expect(await store.queuePosition(urgent.id)).toBeNull();
    expect(await store.queuePosition(second.id)).toBe(2);
    expect(await store.queuePosition("job_missing")).toBeNull();
  });
});
