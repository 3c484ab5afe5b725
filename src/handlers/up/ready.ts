// Readiness probes for the studio's processes: the web app's /api/health, the renderer's HTTP
// port, and each worker's heartbeat row in the job store.

// True when GET `url`/api/health answers 200.
export async function webReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

// True when the renderer answers HTTP at all (any status: it is listening and parsing).
export async function rendererReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/status?call_id=efs-up-probe`, {
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.status > 0;
  } catch {
    return false;
  }
}

// Worker ids whose heartbeat row in `dbFile` was written at or after `since` (epoch ms).
export async function workersSeen(dbFile: string, since: number): Promise<Set<string>> {
  const { createClient } = await import("@libsql/client");
  const db = createClient({ url: `file:${dbFile}` });
  try {
    const rs = await db.execute({
      sql: "SELECT id FROM efs_workers WHERE last_seen_at >= ?",
      args: [since],
    });
    return new Set(rs.rows.map((r) => String(r.id)));
  } catch {
    return new Set();
  } finally {
    db.close();
  }
}
