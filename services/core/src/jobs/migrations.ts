// Numbered schema migrations, applied in order inside write transactions and recorded in
// `efs_migrations`, so several processes opening one database apply each exactly once.
import type { Client } from "@libsql/client";

interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "audio_prep_jobs",
    statements: [
      `CREATE TABLE IF NOT EXISTS audio_prep_jobs (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'processing', 'complete', 'failed', 'cancelled')),
        payload TEXT NOT NULL DEFAULT '{}',
        result TEXT,
        error TEXT,
        progress TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        run_after INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        dispatch_call_id TEXT,
        dispatch_backend TEXT,
        dispatch_deadline_at INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      )`,
      `CREATE INDEX IF NOT EXISTS audio_prep_jobs_claim
        ON audio_prep_jobs (priority DESC, run_after, created_at) WHERE status = 'pending'`,
      `CREATE INDEX IF NOT EXISTS audio_prep_jobs_processing
        ON audio_prep_jobs (lease_expires_at) WHERE status = 'processing'`,
      "CREATE INDEX IF NOT EXISTS audio_prep_jobs_status ON audio_prep_jobs (status, id)",
    ],
  },
  {
    version: 2,
    name: "efs_workers",
    statements: [
      `CREATE TABLE IF NOT EXISTS efs_workers (
        id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    // The claim's ORDER BY must be served by an index: with (status, id) the planner sorted
    // every pending row on each claim (a temp B-tree; claims slowed as the queue grew).
    version: 3,
    name: "queue_order_index",
    statements: [
      "DROP INDEX IF EXISTS audio_prep_jobs_claim",
      "DROP INDEX IF EXISTS audio_prep_jobs_status",
      `CREATE INDEX IF NOT EXISTS audio_prep_jobs_queue
        ON audio_prep_jobs (status, priority DESC, run_after, created_at, id)`,
    ],
  },
  {
    // Deleted jobs stay as tombstones (no objects, hidden from lists) for a while, so a late
    // result from a renderer still running for them is recognised as ours and cleaned up.
    version: 4,
    name: "deleted_at",
    statements: [
      "ALTER TABLE audio_prep_jobs ADD COLUMN deleted_at INTEGER",
      `CREATE INDEX IF NOT EXISTS audio_prep_jobs_deleted
        ON audio_prep_jobs (deleted_at) WHERE deleted_at IS NOT NULL`,
    ],
  },
];

// Applies every migration newer than the database's; returns the versions it applied.
export async function migrate(client: Client, now = Date.now()): Promise<number[]> {
  await client.execute(
    `CREATE TABLE IF NOT EXISTS efs_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    const tx = await client.transaction("write");
    try {
      const seen = await tx.execute({
        sql: "SELECT 1 FROM efs_migrations WHERE version = ?",
        args: [m.version],
      });
      if (seen.rows.length === 0) {
        for (const sql of m.statements) await tx.execute(sql);
        await tx.execute({
          sql: "INSERT INTO efs_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          args: [m.version, m.name, now],
        });
        applied.push(m.version);
      }
      await tx.commit();
    } finally {
      tx.close();
    }
  }
  return applied;
}
