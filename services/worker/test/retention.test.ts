// What `efs status` relies on from the worker, and the local half of the retention rule:
// a clean stop removes the heartbeat row (a kill -9 leaves it stale), and with local storage
// the worker deletes uploads/ objects older than UPLOAD_RETENTION_DAYS — nothing else.
import { utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStack, listKeys, type Stack } from "./helpers/stack";
import { reapWorkers } from "./helpers/worker-process";

let stack: Stack;
beforeEach(async () => {
  stack = await createStack();
});
afterEach(async () => {
  const leaked = await reapWorkers();
  await stack.close();
  // Asserted after the clean-up, so a leak does not also leave the temp folder.
  expect(leaked, "a test leaked a worker process").toBe(0);
});

async function waitForRow(id: string, present: boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const rows = await stack.store.listWorkers();
    if (rows.some((r) => r.workerId === id) === present) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`worker row ${id} ${present ? "never appeared" : "was never removed"}`);
}

// Backdates an object of the local backend (its age is the data file's mtime).
async function age(key: string, days: number): Promise<void> {
  const t = new Date(Date.now() - days * 86_400_000);
  await utimes(join(stack.env.EFS_DATA_DIR!, "storage", ...key.split("/")), t, t);
}

describe("worker heartbeat row and upload retention", () => {
  it("removes its heartbeat row on a clean stop and leaves it behind when killed", async () => {
    const clean = stack.startWorker({ WORKER_ID: "worker-clean" });
    await waitForRow("worker-clean", true);
    clean.child.kill("SIGTERM");
    expect(await clean.exited).toEqual({ code: 0, signal: null });
    await waitForRow("worker-clean", false, 2_000);

    const killed = stack.startWorker({ WORKER_ID: "worker-killed" });
    await waitForRow("worker-killed", true);
    killed.child.kill("SIGKILL");
    await killed.exited;
    const rows = await stack.store.listWorkers();
    expect(rows.map((r) => r.workerId)).toEqual(["worker-killed"]);
  });

  it("deletes uploads older than UPLOAD_RETENTION_DAYS and keeps everything else", async () => {
    for (const key of ["uploads/old/a.wav", "uploads/new/b.wav", "audio/old/master.wav"]) {
      await stack.storage.put(key, `bytes of ${key}`);
    }
    await age("uploads/old/a.wav", 4);
    await age("audio/old/master.wav", 30);
    const w = stack.startWorker({
      UPLOAD_RETENTION_DAYS: "3",
      WORKER_RETENTION_INTERVAL_MS: "1000",
    });
    await w.waitFor("[Worker] Retention: deleted 1 expired upload(s)");
    expect(await listKeys(stack.storage, "uploads/")).toEqual(["uploads/new/b.wav"]);
    expect(await listKeys(stack.storage, "audio/")).toEqual(["audio/old/master.wav"]);
    await w.stop();
  });

  it("refuses an UPLOAD_RETENTION_DAYS that is not a whole number of days", async () => {
    const w = stack.startWorker({ UPLOAD_RETENTION_DAYS: "0" });
    expect((await w.exited).code).toBe(1);
    expect(w.output.join("\n")).toMatch(/UPLOAD_RETENTION_DAYS/);
  });
});
