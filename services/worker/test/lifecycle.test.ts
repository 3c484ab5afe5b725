import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { alive, slowYtdlp, startedPids, waitForPid, waitGone } from "./helpers/fake-ytdlp";
import { ffmpeg } from "./helpers/media";
import { listKeys } from "./helpers/stack";
import { useStackAndServer } from "./helpers/suite";
import { startWorkerProcess, workerEnv } from "./helpers/worker-process";

describe("worker lifecycle (real processes)", () => {
  const t = useStackAndServer();
  let mp3: Buffer;

  beforeEach(async () => {
    await ffmpeg([
      "-f",
      "lavfi",
      "-i",
      "sine=d=1:sample_rate=44100",
      "-c:a",
      "libmp3lame",
      join(t.stack.dir, "a.mp3"),
    ]);
    mp3 = await readFile(join(t.stack.dir, "a.mp3"));
  });

  const pageJob = () =>
    t.stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${t.server.url}/watch` } },
    });
  const servePage = () =>
    t.server.route("/watch", (_q, s) =>
      s.writeHead(200, { "content-type": "text/html" }).end("<html></html>"),
    );

  it("exits 1 with one line naming the missing production variable", async () => {
    const w = startWorkerProcess(
      workerEnv({
        DEPLOY_ENV: "production",
        R2_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
        R2_ACCESS_KEY_ID: "key",
        R2_SECRET_ACCESS_KEY: "cd".repeat(32),
        R2_BUCKET_NAME: "efs-audio",
      }),
    );
    expect(await w.exited).toEqual({ code: 1, signal: null });
    expect(w.output).toHaveLength(1);
    expect(w.output[0]).toMatch(/^TURSO_DATABASE_URL is required \(.*DEPLOY_ENV=production\)$/);
  });

  it("refuses the test-only SSRF allowlist in a production config", async () => {
    const w = startWorkerProcess(
      workerEnv({
        ...t.stack.env,
        STORAGE_BACKEND: "local",
        JOB_STORE_BACKEND: "file",
        RENDER_BACKEND: "local",
        DEPLOY_ENV: "production",
        EFS_TEST_SSRF_ALLOW: "127.0.0.1:80",
      }),
    );
    expect((await w.exited).code).toBe(1);
    expect(w.output).toEqual([
      "EFS_TEST_SSRF_ALLOW is a test-only setting and must not be set in production; unset it",
    ]);
  });

  it("records a heartbeat row that names the worker and its version", async () => {
    const w = t.stack.startWorker({ WORKER_ID: "worker-hb-test" });
    await w.waitFor("[Worker] Started, polling every 100ms");
    const until = Date.now() + 20_000;
    let rows = await t.stack.store.listWorkers();
    while (!rows.some((r) => r.workerId === "worker-hb-test") && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await t.stack.store.listWorkers();
    }
    const row = rows.find((r) => r.workerId === "worker-hb-test")!;
    expect(row.version).toBe("0.1.0");
    const first = row.lastSeenAt;
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await t.stack.store.listWorkers()).find((r) => r.workerId === "worker-hb-test")!;
    expect(later.lastSeenAt).toBeGreaterThan(first);
    w.child.kill("SIGTERM");
    expect(await w.exited).toEqual({ code: 0, signal: null });
  });

  it("cancels a running job: its child process dies promptly and the job stays cancelled", async () => {
    servePage();
    const fake = await slowYtdlp(t.stack.dir);
    const job = await pageJob();
    const w = t.stack.startWorker({ EFS_TEST_SSRF_ALLOW: t.server.hostPort, YTDLP_PATH: fake });
    const pid = await waitForPid(t.stack.dir);
    expect(await t.stack.store.cancel(job.id)).toBe(true);
    const took = await waitGone(pid, 10_000);
    expect(took).toBeLessThan(5_000);
    await w.waitFor(`[Worker] Job ${job.id} cancelled`);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await t.stack.store.get(job.id);
    expect(after?.status).toBe("cancelled");
    expect(after?.error ?? "").not.toMatch(/yt-dlp|aborted|failed/);
    expect(
      w.output.some(
        (l) => l.includes(`Finished job ${job.id}`) || l.includes(`Job ${job.id} failed`),
      ),
    ).toBe(false);
    expect(await listKeys(t.stack.storage, `audio/${job.id}/`)).toEqual([]);
    w.child.kill("SIGTERM");
    expect((await w.exited).code).toBe(0);
  });

  it("runs at most WORKER_CONCURRENCY jobs at once", async () => {
    servePage();
    const fake = await slowYtdlp(t.stack.dir);
    const ids = [(await pageJob()).id, (await pageJob()).id, (await pageJob()).id];
    const w = t.stack.startWorker({
      EFS_TEST_SSRF_ALLOW: t.server.hostPort,
      YTDLP_PATH: fake,
      WORKER_CONCURRENCY: "2",
      WORKER_SHUTDOWN_GRACE_MS: "0",
    });
    const until = Date.now() + 30_000;
    while ((await startedPids(t.stack.dir)).length < 2 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const pids = await startedPids(t.stack.dir);
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    const statuses = await Promise.all(
      ids.map(async (id) => (await t.stack.store.get(id))?.status),
    );
    expect(statuses.sort()).toEqual(["pending", "processing", "processing"]);
    w.child.kill("SIGTERM");
    expect((await w.exited).code).toBe(0);
    for (const pid of pids) await waitGone(pid, 5_000);
  });

  it("on SIGTERM stops claiming and lets a running job finish, then exits 0", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    t.server.route("/slow.mp3", (_q, s) => {
      s.writeHead(200, { "content-type": "audio/mpeg" });
      s.write(mp3.subarray(0, 1000));
      gate.then(() => s.end(mp3.subarray(1000)));
    });
    const job = await t.stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${t.server.url}/slow.mp3` } },
    });
    const w = t.stack.startWorker({
      EFS_TEST_SSRF_ALLOW: t.server.hostPort,
      WORKER_SHUTDOWN_GRACE_MS: "60000",
    });
    await w.waitFor(`[Worker] Claimed job ${job.id} (ingest)`);
    const next = await t.stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${t.server.url}/slow.mp3` } },
    });
    w.child.kill("SIGTERM");
    await w.waitFor("SIGTERM received");
    release();
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.output).toContain(`[Worker] Finished job ${job.id}`);
    expect((await t.stack.store.get(job.id))?.status).toBe("complete");
    expect((await t.stack.store.get(next.id))?.status).toBe("pending");
  });

  it("on SIGTERM past the grace period kills the child and releases the job to pending", async () => {
    servePage();
    const fake = await slowYtdlp(t.stack.dir);
    const job = await pageJob();
    const w = t.stack.startWorker({
      EFS_TEST_SSRF_ALLOW: t.server.hostPort,
      YTDLP_PATH: fake,
      WORKER_SHUTDOWN_GRACE_MS: "500",
    });
    const pid = await waitForPid(t.stack.dir);
    w.child.kill("SIGTERM");
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(alive(pid)).toBe(false);
    expect(w.output).toContain(`[Worker] Job ${job.id} released back to the queue`);
    const after = await t.stack.store.get(job.id);
    expect(after).toMatchObject({ status: "pending", leaseOwner: null, error: null });
  });

  it("a second signal exits at once and takes the child process with it", async () => {
    servePage();
    const fake = await slowYtdlp(t.stack.dir);
    await pageJob();
    const w = t.stack.startWorker({ EFS_TEST_SSRF_ALLOW: t.server.hostPort, YTDLP_PATH: fake });
    const pid = await waitForPid(t.stack.dir);
    w.child.kill("SIGINT");
    await w.waitFor("SIGINT received");
    const t0 = Date.now();
    w.child.kill("SIGINT");
    const { code } = await w.exited;
    expect(code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await waitGone(pid, 5_000);
  });

  it("after kill -9 mid-ingest a second worker finishes the job exactly once", async () => {
    let hits = 0;
    t.server.route("/song.mp3", (_q, s) => {
      hits++;
      s.writeHead(200, { "content-type": "audio/mpeg" });
      if (hits === 1)
        s.write(mp3.subarray(0, 500)); // the first worker stalls mid-download
      else s.end(mp3);
    });
    const job = await t.stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${t.server.url}/song.mp3` } },
    });
    const env = { EFS_TEST_SSRF_ALLOW: t.server.hostPort, WORKER_LEASE_MS: "2000" };
    const first = t.stack.startWorker({ ...env, WORKER_ID: "first" });
    await first.waitFor(`[Worker] Claimed job ${job.id} (ingest)`);
    while (hits === 0) await new Promise((r) => setTimeout(r, 20));
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    expect((await t.stack.store.get(job.id))?.status).toBe("processing");

    const second = t.stack.startWorker({ ...env, WORKER_ID: "second" });
    const done = await t.stack.waitForStatus(job.id, ["complete", "failed"], 60_000);
    expect(done.status, done.error ?? "").toBe("complete");
    expect(done.attempts).toBe(2);
    expect(hits).toBe(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(second.output.filter((l) => l === `[Worker] Finished job ${job.id}`)).toHaveLength(1);
    expect(
      second.output.filter((l) => l.startsWith(`[Worker] Claimed job ${job.id}`)),
    ).toHaveLength(1);
    expect((await t.stack.store.get(job.id))?.finishedAt).toBe(done.finishedAt);
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  });
});
