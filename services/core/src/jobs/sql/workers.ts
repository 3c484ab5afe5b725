// The `efs_workers` heartbeat table: which workers run, which version, when last seen.
import type { Client } from "@libsql/client";
import type { WorkerHeartbeat } from "../types";

// Upserts a worker's row with last_seen_at = now.
export async function recordWorker(
  db: Client,
  hb: { workerId: string; version: string; startedAt: number },
  now: number,
): Promise<void> {
  await db.execute({
    sql: `INSERT INTO efs_workers (id, version, started_at, last_seen_at)
      VALUES (:id, :version, :started, :now)
      ON CONFLICT (id) DO UPDATE SET version = excluded.version,
        started_at = excluded.started_at, last_seen_at = excluded.last_seen_at`,
    args: { id: hb.workerId, version: hb.version, started: hb.startedAt, now },
  });
}

// Removes a worker's row when it stops cleanly, so only workers that died without stopping
// (crash, OOM, kill -9) are left behind as stale heartbeats.
export async function removeWorker(db: Client, workerId: string): Promise<void> {
  await db.execute({ sql: "DELETE FROM efs_workers WHERE id = ?", args: [workerId] });
}

// True when the heartbeat table exists (read-only callers check before listing).
export async function hasWorkerTable(db: Client): Promise<boolean> {
  const rs = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'efs_workers'",
  );
  return rs.rows.length > 0;
}

// Every recorded worker, most recently seen first.
export async function listWorkerRows(db: Client): Promise<WorkerHeartbeat[]> {
  const rs = await db.execute("SELECT * FROM efs_workers ORDER BY last_seen_at DESC, id");
  return rs.rows.map((r) => ({
    workerId: String(r.id),
    version: String(r.version),
    startedAt: Number(r.started_at),
    lastSeenAt: Number(r.last_seen_at),
  }));
}
