// The JobStore on @libsql/client: one implementation for `file:` databases (embedded default)
// and Turso `libsql://` URLs. This file wires connection, migrations and the clock; every SQL
// statement lives in its own file under sql/.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@libsql/client";
import { type Config, jobStoreUrl } from "../config";
import { Secret } from "../secret";
import { type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff";
import { newId } from "./ids";
import { migrate } from "./migrations";
import { resultKeyProblem } from "./result-keys";
import { cancelJob } from "./sql/cancel";
import { claimJob } from "./sql/claim";
import { completeJob } from "./sql/complete";
import { createJob } from "./sql/create";
import { listDeletedJobs, markJobDeleted, purgeDeletedJob } from "./sql/delete";
import { listDispatchedJobs, markJobDispatched } from "./sql/dispatch";
import { failJob } from "./sql/fail";
import { getJob } from "./sql/get";
import { heartbeatJob, setDispatchedJobProgress, setJobProgress } from "./sql/heartbeat";
import { listJobs } from "./sql/list";
import { jobQueuePosition } from "./sql/queue-position";
import { reapExpiredLeases } from "./sql/reap";
import { releaseJob } from "./sql/release";
import { listWorkerRows, recordWorker, removeWorker } from "./sql/workers";
import { JOB_TYPES, type JobStore } from "./types";

export const DEFAULT_MAX_ATTEMPTS = 3;
/** How long a file database waits for another process's write lock before SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

export interface JobStoreOptions {
  /** `file:/abs/path/efs.db` or `libsql://…` (also https:, wss:, http: for a local sqld). */
  url: string;
  authToken?: Secret | string | null;
  /** Clock in epoch ms; tests pass a fake one. */
  now?: () => number;
  backoff?: BackoffPolicy;
  defaultMaxAttempts?: number;
  busyTimeoutMs?: number;
}

// Opens (and migrates) the job store for a Config or an explicit URL.
export async function openJobStore(target: Config | JobStoreOptions): Promise<JobStore> {
  const opts: JobStoreOptions =
    "backends" in target
      ? { url: jobStoreUrl(target), authToken: target.turso?.authToken ?? null }
      : target;
  const now = opts.now ?? Date.now;
  const client = await connect(opts);
  try {
    await migrate(client, now());
  } catch (err) {
    client.close();
    throw err;
  }
  return buildStore(client, {
    now,
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    maxAttempts: opts.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}

async function connect(opts: JobStoreOptions): Promise<Client> {
  const token = opts.authToken instanceof Secret ? opts.authToken.reveal() : opts.authToken;
  const isFile = opts.url.startsWith("file:");
  if (isFile) await ensureParentDir(opts.url);
  // Remote Turso goes over HTTP/WebSockets (`@libsql/client/web`, no native module, safe in
  // serverless functions); only file: databases load the native `libsql` binding.
  const { createClient } = isFile
    ? await import("@libsql/client")
    : await import("@libsql/client/web");
  const client = createClient({
    url: opts.url,
    ...(token ? { authToken: token } : {}),
    ...(isFile ? { timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, concurrency: 1 } : {}),
  });
  if (isFile) {
    try {
      // WAL lets readers run beside the one writer; it is a property of the file, so it
      // persists. NORMAL sync is safe under WAL (no corruption; a power cut may lose the
      // last commits) and avoids an fsync per claim. concurrency: 1 keeps it one connection.
      const limit = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
      await retryBusy(() => client.execute("PRAGMA journal_mode = WAL"), limit);
      await client.execute("PRAGMA synchronous = NORMAL");
    } catch (err) {
      client.close();
      throw err;
    }
  }
  return client;
}

// Switching a brand-new file to WAL needs an exclusive lock, and SQLite may answer
// SQLITE_BUSY without consulting the busy timeout while another process creates the file.
async function retryBusy<T>(fn: () => Promise<T>, limitMs: number): Promise<T> {
  const start = Date.now();
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    try {
      return await fn();
    } catch (err) {
      const busy = /SQLITE_BUSY|database is locked/i.test(String((err as Error).message ?? err));
      if (!busy || Date.now() - start > limitMs) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function ensureParentDir(url: string): Promise<void> {
  const path = url.startsWith("file://") ? fileURLToPath(url) : url.slice("file:".length);
  if (path && !path.startsWith(":memory:")) await mkdir(dirname(path), { recursive: true });
}

function buildStore(
  db: Client,
  ctx: { now: () => number; backoff: BackoffPolicy; maxAttempts: number },
): JobStore {
  const { now, backoff } = ctx;
  return {
    async create(input) {
      if (!JOB_TYPES.includes(input.type)) {
        throw new Error(`unknown job type "${input.type}" (expected ${JOB_TYPES.join(", ")})`);
      }
      const t = now();
      const maxAttempts = input.maxAttempts ?? ctx.maxAttempts;
      return createJob(db, { ...input, id: input.id ?? newId("job", t), maxAttempts }, t);
    },
    get: (id) => getJob(db, id),
    list: (filter = {}) => listJobs(db, filter),
    claim: (opts) => claimJob(db, opts, now()),
    heartbeat: (id, owner, leaseMs) => heartbeatJob(db, id, owner, leaseMs, now()),
    setProgress: (id, owner, progress) => setJobProgress(db, id, owner, progress, now()),
    setDispatchProgress: (id, callId, progress) =>
      setDispatchedJobProgress(db, id, callId, progress, now()),
    markDeleted: (id) => markJobDeleted(db, id, now()),
    listDeleted: (before, limit = 100) => listDeletedJobs(db, before, limit),
    purgeDeleted: (id) => purgeDeletedJob(db, id),
    async complete(id, result, opts) {
      const problem = resultKeyProblem(result);
      if (problem) throw new Error(`job ${id}: refusing to store the result: ${problem}`);
      return completeJob(db, id, result, opts?.owner, now());
    },
    fail: (id, error, opts = {}) => failJob(db, id, error, opts, backoff, now()),
    cancel: (id) => cancelJob(db, id, now()),
    release: (id, owner) => releaseJob(db, id, owner, now()),
    markDispatched: (id, owner, dispatch) => markJobDispatched(db, id, owner, dispatch, now()),
    listDispatched: () => listDispatchedJobs(db, null),
    listOverdueDispatches: (at) => listDispatchedJobs(db, at ?? now()),
    queuePosition: (id) => jobQueuePosition(db, id, now()),
    reap: (at) => reapExpiredLeases(db, at ?? now()),
    reapOwner: (owner) => reapExpiredLeases(db, now(), owner),
    recordWorkerHeartbeat: (hb) => recordWorker(db, hb, now()),
    listWorkers: () => listWorkerRows(db),
    removeWorkerHeartbeat: (workerId) => removeWorker(db, workerId),
    async ping() {
      await db.execute("SELECT 1");
    },
    close: () => db.close(),
  };
}
