import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/jobs/migrations";
import { fixture, runTs, type TempDb, tempDb } from "./helpers";

let db: TempDb;
beforeEach(async () => {
  db = await tempDb();
});
afterEach(async () => {
  await db.cleanup();
});

async function query<T>(
  url: string,
  sql: string,
  map: (r: Record<string, unknown>) => T,
): Promise<T[]> {
  const client = createClient({ url });
  try {
    return (await client.execute(sql)).rows.map((r) => map(r as Record<string, unknown>));
  } finally {
    client.close();
  }
}

describe("migrations", () => {
  it("creates the tables on first open, in WAL mode, and re-opening changes nothing", async () => {
    const first = await db.open();
    const job = await first.create({ type: "ingest", payload: { keep: true } });
    first.close();
    await db.open();
    await db.open();
    const versions = await query(
      db.url,
      "SELECT version FROM efs_migrations ORDER BY version",
      (r) => Number(r.version),
    );
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await query(db.url, "PRAGMA journal_mode", (r) => String(r.journal_mode))).toEqual([
      "wal",
    ]);
    const reopened = await db.open();
    expect((await reopened.get(job.id))?.payload).toEqual({ keep: true });
  });

  it("applies each migration once when several processes open a new file at the same time", async () => {
    const outs = await Promise.all([1, 2, 3].map(() => runTs(fixture("open-store.ts"), [db.url])));
    for (const out of outs) expect(JSON.parse(out)).toEqual(MIGRATIONS.map((m) => m.version));
    const rows = await query(db.url, "SELECT COUNT(*) AS n FROM efs_migrations", (r) =>
      Number(r.n),
    );
    expect(rows).toEqual([MIGRATIONS.length]);
  });

  it("upgrades a database created by an older version, keeping its jobs", async () => {
    const client = createClient({ url: db.url });
    await client.execute(
      "CREATE TABLE efs_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    for (const m of MIGRATIONS.slice(0, 2)) {
      for (const sql of m.statements) await client.execute(sql);
      await client.execute({
        sql: "INSERT INTO efs_migrations VALUES (?, ?, 0)",
        args: [m.version, m.name],
      });
    }
    await client.execute(
      "INSERT INTO audio_prep_jobs (id, type, run_after, created_at, updated_at) VALUES ('job_old', 'ingest', 0, 0, 0)",
    );
    client.close();
    const store = await db.open();
    expect((await store.claim({ owner: "w", leaseMs: 1000 }))?.id).toBe("job_old");
    const indexes = await query(
      db.url,
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audio_prep_jobs' AND sql IS NOT NULL ORDER BY name",
      (r) => String(r.name),
    );
    expect(indexes).toEqual([
      "audio_prep_jobs_deleted",
      "audio_prep_jobs_processing",
      "audio_prep_jobs_queue",
    ]);
    expect((await store.get("job_old"))?.deletedAt).toBeNull();
  });

  it("creates the data directory of a file URL that does not exist yet", async () => {
    const store = await db.open({ url: `file:${db.dir}/nested/deeper/efs.db` });
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
