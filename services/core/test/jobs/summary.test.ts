import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  countJobRows,
  FAILED_WINDOW_MS,
  hasJobTable,
  readJobSummary,
  STUCK_GRACE_MS,
} from "../../src/jobs/sql/summary";
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

// A read-only client, as `efs status` opens it (no migration).
async function summary(now = clock.now()) {
  const client = createClient({ url: db.url });
  try {
    return await readJobSummary(client, now);
  } finally {
    client.close();
  }
}

describe("job summary (efs status)", () => {
  it("counts jobs by status and type and names the oldest pending one", async () => {
    const first = await store.create({ type: "ingest", payload: {} });
    clock.advance(1000);
    await store.create({ type: "ingest", payload: {} });
    await store.create({ type: "render", payload: {} });
    const claimed = await store.claim({ owner: "w1", leaseMs: 60_000, types: ["render"] });
    await store.complete(claimed!.id, {}, { owner: "w1" });
    const s = await summary();
    expect(s.counts).toEqual([
      { status: "complete", type: "render", count: 1 },
      { status: "pending", type: "ingest", count: 2 },
    ]);
    expect(s.total).toBe(3);
    expect(s.oldestPending).toEqual({ id: first.id, type: "ingest", createdAt: first.createdAt });
  });

  it("lists failures of the last 24 hours with their reasons, newest first", async () => {
    const old = await store.create({ type: "ingest", payload: {}, maxAttempts: 1 });
    await store.claim({ owner: "w", leaseMs: 60_000 });
    await store.fail(old.id, "too old to matter", { owner: "w" });
    clock.advance(FAILED_WINDOW_MS + 1);
    for (const reason of ["no audio stream", "file is corrupt"]) {
      const j = await store.create({ type: "ingest", payload: {}, maxAttempts: 1 });
      await store.claim({ owner: "w", leaseMs: 60_000 });
      await store.fail(j.id, reason, { owner: "w" });
      clock.advance(10);
    }
    const s = await summary();
    expect(s.failedRecent.count).toBe(2);
    expect(s.failedRecent.jobs.map((j) => j.error)).toEqual(["file is corrupt", "no audio stream"]);
  });

  it("reports leases expired past the grace period and dispatches past their deadline as stuck", async () => {
    const leased = await store.create({ type: "ingest", payload: {} });
    await store.claim({ owner: "w", leaseMs: 1000, types: ["ingest"] });
    const render = await store.create({ type: "render", payload: {} });
    await store.claim({ owner: "w", leaseMs: 60_000, types: ["render"] });
    await store.markDispatched(render.id, "w", {
      callId: "fc-123",
      backend: "modal",
      deadlineAt: clock.now() + 10 * STUCK_GRACE_MS,
    });
    await store.setProgress(render.id, "w", { stage: "frames" });
    expect((await summary(clock.now() + 1000 + STUCK_GRACE_MS - 1)).stuck.count).toBe(0);
    const s = await summary(clock.now() + 1000 + STUCK_GRACE_MS + 1);
    expect(s.stuck.jobs).toEqual([
      { id: leased.id, type: "ingest", why: "lease", since: clock.now() + 1000 },
    ]);
    expect(s.dispatched).toMatchObject([{ id: render.id, callId: "fc-123", backend: "modal" }]);
    const late = await summary(clock.now() + 10 * STUCK_GRACE_MS + 1);
    expect(late.stuck.jobs.map((j) => [j.id, j.why])).toEqual([
      [leased.id, "lease"],
      [render.id, "deadline"],
    ]);
  });

  it("reads a database nothing has connected to without creating anything", async () => {
    const client = createClient({ url: `file:${db.dir}/empty.db` });
    try {
      expect(await hasJobTable(client)).toBe(false);
      const tables = await client.execute("SELECT name FROM sqlite_master");
      expect(tables.rows).toEqual([]);
    } finally {
      client.close();
    }
    const c2 = createClient({ url: db.url });
    try {
      expect(await hasJobTable(c2)).toBe(true);
      expect(await countJobRows(c2)).toBe(0);
    } finally {
      c2.close();
    }
  });
});
