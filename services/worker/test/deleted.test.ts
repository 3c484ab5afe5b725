// Jobs the user deleted (web DELETE /api/jobs/:id: cancel, tombstone, objects removed): a
// worker still running one removes what it writes afterwards, and tombstones past retention
// are purged along with anything they still own.

import { loadConfig } from "@efs/core/config";
import { describe, expect, it } from "vitest";
import { sweepDeletedJobs, TOMBSTONE_MIN_MS } from "../src/loop/sweep-deleted";
import { workerOptions } from "../src/options";
import { slowYtdlp, waitForPid } from "./helpers/fake-ytdlp";
import { listKeys } from "./helpers/stack";
import { useStackAndServer } from "./helpers/suite";

describe("deleted jobs", () => {
  const t = useStackAndServer();

  it("a job deleted while it runs: the worker stops it and removes what it wrote after", async () => {
    t.server.route("/watch", (_q, s) =>
      s.writeHead(200, { "content-type": "text/html" }).end("<html></html>"),
    );
    const fake = await slowYtdlp(t.stack.dir);
    const job = await t.stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${t.server.url}/watch` } },
    });
    const w = t.stack.startWorker({ EFS_TEST_SSRF_ALLOW: t.server.hostPort, YTDLP_PATH: fake });
    await waitForPid(t.stack.dir);
    // What the web app's DELETE does: cancel, tombstone, empty storage. Then a write lands that
    // the running job made after storage was emptied.
    expect(await t.stack.store.cancel(job.id)).toBe(true);
    expect(await t.stack.store.markDeleted(job.id)).toBe(true);
    await t.stack.storage.put(`audio/${job.id}/master.wav`, "late bytes");
    await t.stack.storage.put(`audio/job_someone_else/master.wav`, "not ours");
    await w.waitFor(`[Worker] Removed 1 late object(s) of deleted job ${job.id}`, 30_000);
    expect(await listKeys(t.stack.storage, `audio/${job.id}/`)).toEqual([]);
    expect(await listKeys(t.stack.storage, "audio/job_someone_else/")).toHaveLength(1);
    w.child.kill("SIGTERM");
    expect((await w.exited).code).toBe(0);
  }, 60_000);

  it("purges tombstones past retention with their leftover objects, and nothing else", async () => {
    const deps = {
      store: t.stack.store,
      storage: t.stack.storage,
      options: workerOptions(loadConfig(t.stack.env), t.stack.env, t.stack.dir),
      log: () => {},
    };
    const old = await t.stack.store.create({ type: "render", payload: {} });
    const recent = await t.stack.store.create({ type: "render", payload: {} });
    const live = await t.stack.store.create({ type: "render", payload: {} });
    for (const j of [old, recent, live]) {
      await t.stack.storage.put(`renders/${j.id}/output.mp4`, "video");
    }
    for (const j of [old, recent]) await t.stack.store.cancel(j.id);
    await t.stack.store.markDeleted(old.id);
    await new Promise((r) => setTimeout(r, 20));
    await t.stack.store.markDeleted(recent.id);
    const deletedAt = async (id: string) => (await t.stack.store.get(id))!.deletedAt!;
    // A week (the retention) after `old` was deleted, but not yet after `recent` was.
    const sweepAt = (await deletedAt(old.id)) + TOMBSTONE_MIN_MS + 1;
    expect(sweepAt - TOMBSTONE_MIN_MS).toBeLessThanOrEqual(await deletedAt(recent.id));
    expect(await sweepDeletedJobs(deps, sweepAt)).toBe(1);
    expect(await t.stack.store.get(old.id)).toBeNull();
    expect(await listKeys(t.stack.storage, `renders/${old.id}/`)).toEqual([]);
    expect(await t.stack.store.get(recent.id)).not.toBeNull();
    expect(await sweepDeletedJobs(deps, (await deletedAt(recent.id)) + TOMBSTONE_MIN_MS + 1)).toBe(
      1,
    );
    expect(await t.stack.store.get(live.id)).not.toBeNull();
    expect(await listKeys(t.stack.storage, `renders/${live.id}/`)).toHaveLength(1);
  });
});
