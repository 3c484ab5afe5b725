// A worker killed with SIGKILL mid-job and started again under the same WORKER_ID (what the
// `efs up` supervisor does): the job it held goes back to the queue at once and in its old
// place (ahead of jobs created after it), its scratch folder is removed, and the finished job
// carries no stale "lease expired" error.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ffmpeg } from "./helpers/media";
import { useStackAndServer } from "./helpers/suite";

describe("a worker restarted after kill -9 (real worker processes)", () => {
  const t = useStackAndServer();

  it("re-queues its job in its old place, sweeps its scratch folder and finishes it cleanly", async () => {
    const wav = join(t.stack.dir, "a.wav");
    await ffmpeg(["-f", "lavfi", "-i", "sine=d=1:sample_rate=44100", wav]);
    const song = await readFile(wav);
    let hits = 0;
    t.server.route("/first.wav", (_q, s) => {
      hits++;
      s.writeHead(200, { "content-type": "audio/wav" });
      if (hits === 1)
        s.write(song.subarray(0, 500)); // stalls: the worker is killed meanwhile
      else s.end(song);
    });
    t.server.route("/later.wav", (_q, s) =>
      s.writeHead(200, { "content-type": "audio/wav" }).end(song),
    );
    const url = (p: string) => ({ source: { kind: "url", url: `${t.server.url}${p}` } });
    const first = await t.stack.store.create({ type: "ingest", payload: url("/first.wav") });
    const env = {
      EFS_TEST_SSRF_ALLOW: t.server.hostPort,
      WORKER_ID: "efs-up-worker-1",
      WORKER_LEASE_MS: "60000",
      WORKER_HEARTBEAT_MS: "20000",
      WORKER_REAP_INTERVAL_MS: "60000",
    };
    const doomed = t.stack.startWorker(env);
    await doomed.waitFor(`[Worker] Claimed job ${first.id} (ingest)`);
    while (hits === 0) await new Promise((r) => setTimeout(r, 20));
    const later = await t.stack.store.create({ type: "ingest", payload: url("/later.wav") });
    const scratchRoot = join(t.stack.env.WORKER_TMP_DIR!, "efs-worker");
    const left = await readdir(scratchRoot);
    expect(left.filter((n) => n.startsWith(`${first.id}-`))).toHaveLength(1);
    doomed.child.kill("SIGKILL");
    expect((await doomed.exited).signal).toBe("SIGKILL");

    const restarted = t.stack.startWorker(env);
    await restarted.waitFor(
      "[Worker] A previous run of efs-up-worker-1 left 1 job(s): 1 re-queued, 0 failed",
    );
    await restarted.waitFor("[Worker] Removed 1 scratch folder(s) of jobs no worker holds");
    for (const name of left) expect(existsSync(join(scratchRoot, name)), name).toBe(false);
    const done = await t.stack.waitForStatus(first.id, ["complete", "failed"], 60_000);
    expect(done).toMatchObject({ status: "complete", attempts: 2, error: null });
    await t.stack.waitForStatus(later.id, ["complete", "failed"], 60_000);
    const claims = restarted.output.filter((l) => l.startsWith("[Worker] Claimed job"));
    expect(claims).toEqual([
      `[Worker] Claimed job ${first.id} (ingest)`,
      `[Worker] Claimed job ${later.id} (ingest)`,
    ]);
    restarted.child.kill("SIGTERM");
    expect((await restarted.exited).code).toBe(0);
  }, 120_000);
});
