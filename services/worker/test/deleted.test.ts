// Jobs the user deleted (web DELETE /api/jobs/:id: cancel, tombstone, objects removed): a
// worker still running one removes what it writes afterwards, and tombstones past retention
// are purged along with anything they still own.

import { loadConfig } from "@efs/core/config";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sweepDeletedJobs, TOMBSTONE_MIN_MS } from "../src/loop/sweep-deleted";
import { workerOptions } from "../src/options";
import { slowYtdlp, waitForPid } from "./helpers/fake-ytdlp";
import { startServer, type TestServer } from "./helpers/http-server";
import { createStack, listKeys, type Stack } from "./helpers/stack";
import { reapWorkers } from "./helpers/worker-process";

describe("deleted jobs", () => {
  let stack: Stack;
  let server: TestServer;

  beforeEach(async () => {
    stack = await createStack();
    server = await startServer();
  });

  afterEach(async () => {
    const leaked = await reapWorkers();
    await server.close();
    await stack.close();
    // Asserted after the clean-up, so a leak does not also leave the temp folder.
    expect(leaked, "a test leaked a worker process").toBe(0);
  });

  it("a job deleted while it runs: the worker stops it and removes what it wrote after", async () => {
    server.route("/watch", (_q, s) =>
      s.writeHead(200, { "content-type": "text/html" }).end("<html></html>"),
    );
    const fake = await slowYtdlp(stack.dir);
    const job = await stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${server.url}/watch` } },
    });
    const w = stack.startWorker({ EFS_TEST_SSRF_ALLOW: server.hostPort, YTDLP_PATH: fake });
    await waitForPid(stack.dir);
    // What the web app's DELETE does: cancel, tombstone, empty storage. Then a write lands that
    // the running job made after storage was emptied.
    expect(await stack.store.cancel(job.id)).toBe(true);
    expect(await stack.store.markDeleted(job.id)).toBe(true);
    await stack.storage.put(`audio/${job.id}/master.wav`, "late bytes");
    await stack.storage.put(`audio/job_someone_else/master.wav`, "not ours");
    await w.waitFor(`[Worker] Removed 1 late object(s) of deleted job ${job.id}`, 30_000);
    expect(await listKeys(stack.storage, `audio/${job.id}/`)).toEqual([]);
    expect(await listKeys(stack.storage, "audio/job_someone_else/")).toHaveLength(1);
    w.child.kill("SIGTERM");
    expect((await w.exited).code).toBe(0);
  }, 60_000);

  it("purges tombstones past retention with their leftover objects, and nothing else", async () => {
    const deps = {
      store: stack.store,
      storage: stack.storage,
      options: workerOptions(loadConfig(stack.env), stack.env, stack.dir),
      log: () => {},
    };
    const old = await stack.store.create({ type: "render", payload: {} });
    const recent = await stack.store.create({ type: "render", payload: {} });
    const live = await stack.store.create({ type: "render", payload: {} });
    for (const j of [old, recent, live]) {
      await stack.storage.put(`renders/${j.id}/output.mp4`, "video");
    }
    for (const j of [old, recent]) await stack.store.cancel(j.id);
    await stack.store.markDeleted(old.id);
    await new Promise((r) => setTimeout(r, 20));
    await stack.store.markDeleted(recent.id);
    const deletedAt = async (id: string) => (await stack.store.get(id))!.deletedAt!;
    // A week (the retention) after `old` was deleted, but not yet after `recent` was.
    const sweepAt = (await deletedAt(old.id)) + TOMBSTONE_MIN_MS + 1;
    expect(sweepAt - TOMBSTONE_MIN_MS).toBeLessThanOrEqual(await deletedAt(recent.id));
    expect(await sweepDeletedJobs(deps, sweepAt)).toBe(1);
    expect(await stack.store.get(old.id)).toBeNull();
    expect(await listKeys(stack.storage, `renders/${old.id}/`)).toEqual([]);
    expect(await stack.store.get(recent.id)).not.toBeNull();
    expect(await sweepDeletedJobs(deps, (await deletedAt(recent.id)) + TOMBSTONE_MIN_MS + 1)).toBe(
      1,
    );
    expect(await stack.store.get(live.id)).not.toBeNull();
    expect(await listKeys(stack.storage, `renders/${live.id}/`)).toHaveLength(1);
  });
});
