// What `efs status` reads, whatever the target: the app's health endpoint, the job store
// (read-only: SELECTs, no migration) and the storage listing.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hasJobTable, readJobSummary } from "@efs/core/jobs/sql/summary";
import { hasWorkerTable, listWorkerRows } from "@efs/core/jobs/sql/workers";
import type { WorkerHeartbeat } from "@efs/core/jobs/types";
import type { Storage } from "@efs/core/storage/types";
import { storageUsage } from "@efs/core/storage/usage";
import { createClient } from "@libsql/client";
import type { AppStatus, JobsStatus, StorageStatus } from "./types";

const HEALTH_TIMEOUT_MS = 10_000;

// The first line of an error's message (libsql and the SDKs add detail on later lines).
export function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0] ?? m;
}

// GET <url>/api/health; never throws.
export async function fetchHealth(url: string | null, signal: AbortSignal): Promise<AppStatus> {
  const none = { httpStatus: null, version: null, backends: null, checks: null };
  if (!url) return { url, ok: false, ...none, error: "no app URL" };
  let res: Response;
  try {
    res = await fetch(new URL("/api/health", url), {
      headers: { accept: "application/json" },
      signal: AbortSignal.any([signal, AbortSignal.timeout(HEALTH_TIMEOUT_MS)]),
      redirect: "manual",
    });
  } catch (e) {
    signal.throwIfAborted();
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { url, ok: false, ...none, error: `cannot reach ${url} (${cause ?? firstLine(e)})` };
  }
  let body: { version?: unknown; backends?: unknown; checks?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    return { url, ok: false, ...none, httpStatus: res.status, error: "the answer is not JSON" };
  }
  const record = (v: unknown) =>
    v && typeof v === "object" ? (v as Record<string, string>) : null;
  const checks = record(body.checks);
  const failing = Object.entries(checks ?? {}).filter(([, v]) => v !== "ok");
  const ok = res.status === 200 && checks !== null && failing.length === 0;
  return {
    url,
    ok,
    httpStatus: res.status,
    version: typeof body.version === "string" ? body.version : null,
    backends: record(body.backends),
    checks,
    error: ok
      ? null
      : failing.length
        ? failing.map(([k, v]) => `${k}: ${v}`).join(", ")
        : `HTTP ${res.status}`,
  };
}

// The job summary and the worker heartbeats from a libsql URL (file: or libsql://).
export async function readJobStore(
  url: string,
  authToken: string | undefined,
  now: number,
): Promise<{ jobs: JobsStatus; workers: WorkerHeartbeat[] | null }> {
  // Opening a missing file: database would create it; status only reads.
  if (url.startsWith("file:")) {
    const path = url.startsWith("file://") ? fileURLToPath(url) : url.slice("file:".length);
    if (!existsSync(path))
      return { jobs: { ok: false, error: `no job store at ${path}` }, workers: null };
  }
  let db: ReturnType<typeof createClient>;
  try {
    db = createClient({ url, ...(authToken ? { authToken } : {}) });
  } catch (e) {
    return { jobs: { ok: false, error: firstLine(e) }, workers: null };
  }
  try {
    if (!(await hasJobTable(db))) {
      return {
        jobs: {
          ok: false,
          error:
            "the job table audio_prep_jobs does not exist: nothing has connected to this job store yet",
        },
        workers: null,
      };
    }
    const jobs = await readJobSummary(db, now);
    const workers = (await hasWorkerTable(db)) ? await listWorkerRows(db) : [];
    return { jobs: { ok: true, ...jobs }, workers };
  } catch (e) {
    return { jobs: { ok: false, error: firstLine(e) }, workers: null };
  } finally {
    db.close();
  }
}

// Objects and bytes per prefix; never throws.
export async function readStorage(
  open: () => Storage & { close?: () => void },
  backend: "local" | "s3" | "r2",
  where: string,
  signal: AbortSignal,
): Promise<StorageStatus> {
  let storage: (Storage & { close?: () => void }) | undefined;
  try {
    storage = open();
    return { ok: true, backend, where, prefixes: await storageUsage(storage, undefined, signal) };
  } catch (e) {
    signal.throwIfAborted();
    const name = (e as { name?: string }).name;
    const label = name && name !== "Error" ? `${name}: ` : "";
    return { ok: false, backend, where, error: `${label}${firstLine(e)}` };
  } finally {
    storage?.close?.();
  }
}
