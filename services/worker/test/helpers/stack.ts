// A per-test local stack in a temp dir: config, real libsql job store file, real local storage.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@efs/core/config";
import { openJobStore } from "@efs/core/jobs/store";
import type { Job, JobStore } from "@efs/core/jobs/types";
import { createStorage } from "@efs/core/storage/create";
import type { Storage } from "@efs/core/storage/types";
import { startWorkerProcess, type WorkerProcess, workerEnv } from "./worker-process";

export const TEST_WEBHOOK_SECRET = "ab".repeat(32);

export interface Stack {
  dir: string;
  env: Record<string, string>;
  store: JobStore;
  storage: Storage;
  startWorker(extra?: Record<string, string>): WorkerProcess;
  waitForStatus(id: string, statuses: readonly Job["status"][], timeoutMs?: number): Promise<Job>;
  close(): Promise<void>;
}

// Creates the stack; `env` is what both the test and the worker process load their config from.
export async function createStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), "efs-worker-test-"));
  const env: Record<string, string> = {
    EFS_DATA_DIR: join(dir, "data"),
    INTERNAL_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    NEXT_PUBLIC_APP_URL: "http://localhost:3999",
    WORKER_TMP_DIR: join(dir, "tmp"),
    ...extraEnv,
  };
  const config = loadConfig(env);
  const store = await openJobStore(config);
  const storage = await createStorage(config);
  return {
    dir,
    env,
    store,
    storage,
    startWorker: (extra = {}) => startWorkerProcess(workerEnv({ ...env, ...extra })),
    async waitForStatus(id, statuses, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const job = await store.get(id);
        if (job && statuses.includes(job.status)) return job;
        if (Date.now() > until) {
          throw new Error(
            `job ${id} is ${job?.status} (${job?.error ?? ""}), wanted ${statuses.join("/")}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Reads a stored object fully.
export async function readObject(storage: Storage, key: string): Promise<Buffer> {
  const { body } = await storage.get(key);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

// Every key under `prefix`.
export async function listKeys(storage: Storage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of storage.list(prefix)) keys.push(o.key);
  return keys;
}
