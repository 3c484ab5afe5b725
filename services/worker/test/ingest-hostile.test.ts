// Ingests a hostile or unlucky user can cause, against a real worker process and real HTTP
// servers on loopback: a server that trickles one byte a second, credentials in the URL,
// a cancel while the worker is busy (with the production lease timings), and what a failed or
// cancelled ingest leaves in storage.
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newId } from "@efs/core/jobs/ids";
import { afterEach, describe, expect, it } from "vitest";
import { ffmpeg } from "./helpers/media";
import { listKeys } from "./helpers/stack";
import { useStackAndServer } from "./helpers/suite";
import type { WorkerProcess } from "./helpers/worker-process";

// The lease timings a deployed worker runs with (the test default heartbeats every 300 ms).
const PRODUCTION_LEASE = { WORKER_LEASE_MS: "60000", WORKER_HEARTBEAT_MS: "20000" };

describe("hostile ingests (real worker process, loopback HTTP)", () => {
  const t = useStackAndServer();
  let worker: WorkerProcess | null = null;

  // Registered after the suite's hooks, so it runs before them: the worker stops first.
  afterEach(async () => {
    await worker?.stop();
    worker = null;
  });

  // A server that sends one byte a second for as long as the client listens.
  const trickle = (path: string) =>
    t.server.route(path, (_q, s) => {
      s.writeHead(200, { "content-type": "audio/mpeg" });
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write("x")), 1000);
      s.on("close", () => clearInterval(t));
    });

  it("gives up on a download that does not finish within INGEST_DOWNLOAD_TIMEOUT_MS", async () => {
    trickle("/slow.mp3");
    const job = await t.stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${t.server.url}/slow.mp3` } },
    });
    const t0 = Date.now();
    worker = t.stack.startWorker({
      EFS_TEST_SSRF_ALLOW: t.server.hostPort,
      INGEST_DOWNLOAD_TIMEOUT_MS: "3000",
    });
    const done = await t.stack.waitForStatus(job.id, ["complete", "failed"], 20_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(done).toMatchObject({
      status: "failed",
      attempts: 1,
      error:
        "the download did not finish within 3 s (INGEST_DOWNLOAD_TIMEOUT_MS): the server sends too slowly; try another link or upload the file",
    });
  }, 60_000);

  it("stops a cancelled download within 2 s, with the production lease timings", async () => {
    trickle("/endless.mp3");
    const job = await t.stack.store.create({
      type: "ingest",
      payload: { source: { kind: "url", url: `${t.server.url}/endless.mp3` } },
    });
    worker = t.stack.startWorker({ EFS_TEST_SSRF_ALLOW: t.server.hostPort, ...PRODUCTION_LEASE });
    await worker.waitFor(`[Worker] Claimed job ${job.id} (ingest)`);
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    expect(await t.stack.store.cancel(job.id)).toBe(true);
    await worker.waitFor(`[Worker] Job ${job.id} cancelled`, 10_000);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await t.stack.store.get(job.id)).toMatchObject({ status: "cancelled" });
  }, 60_000);

  it("a cancel once outputs exist leaves no outputs and no upload", async () => {
    const wav = join(t.stack.dir, "long.wav");
    await ffmpeg(["-f", "lavfi", "-i", "sine=d=90:sample_rate=48000", "-ac", "2", wav]);
    // Where the web app puts every upload: uploads/<id of the ingest job it confirms>/.
    const id = newId();
    const key = `uploads/${id}/long.wav`;
    await t.stack.storage.put(key, await readFile(wav), { contentType: "audio/wav" });
    const job = await t.stack.store.create({
      id,
      type: "ingest",
      payload: { source: { kind: "upload", key, filename: "long.wav", contentType: "", size: 0 } },
    });
    worker = t.stack.startWorker(PRODUCTION_LEASE);
    const until = Date.now() + 120_000;
    while ((await listKeys(t.stack.storage, `audio/${job.id}/`)).length === 0) {
      if (Date.now() > until) throw new Error(`no output appeared:\n${worker.output.join("\n")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const t0 = Date.now();
    expect(await t.stack.store.cancel(job.id)).toBe(true);
    await worker.waitFor(
      new RegExp(`Job ${job.id} (cancelled|result discarded: job is cancelled)`),
      10_000,
    );
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await t.stack.store.get(job.id)).toMatchObject({ status: "cancelled", result: null });
    expect(await listKeys(t.stack.storage, `audio/${job.id}/`)).toEqual([]);
    expect(await t.stack.storage.stat(key)).toBeNull();
  }, 180_000);

  it("calls random bytes not readable audio, and deletes the upload of an ingest that failed", async () => {
    // Where the web app puts every upload: uploads/<id of the ingest job it confirms>/.
    const bad = ["noise.mp3", "noise.flac", "noise.wav", "noise.bin"].map(
      (n) => `uploads/${newId()}/${n}`,
    );
    // Fixed noise (the same bytes every run: fresh random bytes sometimes probe as an MP3 or
    // as some video stream, and the test would check a different path each time).
    for (const [i, key] of bad.entries()) {
      await t.stack.storage.put(key, xorshiftBytes(i + 1, 200_000), { contentType: "audio/mpeg" });
    }
    // Noise that ffprobe takes for an MP3 stream (it finds frame syncs in it) but ffmpeg cannot
    // decode: the same answer, not "could not decode the audio".
    const probed = `uploads/${newId()}/noise-probed.mp3`;
    await t.stack.storage.put(probed, xorshiftBytes(586, 200_000), { contentType: "audio/mpeg" });
    bad.push(probed);
    const good = `uploads/${newId()}/tone.wav`;
    const wav = join(t.stack.dir, "tone.wav");
    await ffmpeg(["-f", "lavfi", "-i", "sine=d=1:sample_rate=44100", wav]);
    await t.stack.storage.put(good, await readFile(wav), { contentType: "audio/wav" });
    const upload = (key: string) =>
      t.stack.store.create({
        id: key.split("/")[1],
        type: "ingest",
        payload: {
          source: { kind: "upload", key, filename: key.split("/").pop(), contentType: "", size: 0 },
        },
      });
    const failing = [];
    for (const key of bad) failing.push(await upload(key));
    const working = await upload(good);
    worker = t.stack.startWorker({ WORKER_CONCURRENCY: "2" });
    for (const [i, job] of failing.entries()) {
      const failed = await t.stack.waitForStatus(job.id, ["complete", "failed"]);
      expect(failed.error, bad[i]).toMatch(/^the file is not readable audio or video \(/);
      // The probed noise gets past ffprobe: the answer comes from the decode, not the probe.
      if (bad[i] === probed) expect(failed.error).toMatch(/\(ffmpeg: /);
      // deleted right after the failure is recorded
      const until = Date.now() + 5_000;
      while ((await t.stack.storage.stat(bad[i]!)) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await t.stack.storage.stat(bad[i]!)).toBeNull();
      expect(await listKeys(t.stack.storage, `audio/${job.id}/`)).toEqual([]);
    }
    expect((await t.stack.waitForStatus(working.id, ["complete", "failed"])).status).toBe(
      "complete",
    );
    expect(await t.stack.storage.stat(good)).not.toBeNull();
  }, 120_000);

  it("uses credentials in a URL to download, and never shows them in titles, logs or yt-dlp's argv", async () => {
    const wav = join(t.stack.dir, "song.wav");
    await ffmpeg(["-f", "lavfi", "-i", "sine=d=1:sample_rate=44100", wav]);
    const song = await readFile(wav);
    const auth: string[] = [];
    t.server.route("/private/song.wav", (q, s) => {
      auth.push(q.headers.authorization ?? "none");
      if (q.headers.authorization !== `Basic ${Buffer.from("ann:pa55w0rd").toString("base64")}`)
        return void s.writeHead(401).end();
      s.writeHead(200, { "content-type": "audio/wav" }).end(song);
    });
    t.server.route("/private/watch", (q, s) => {
      auth.push(q.headers.authorization ?? "none");
      s.writeHead(200, { "content-type": "text/html" }).end("<html></html>");
    });
    // A fake yt-dlp that fails the way the real one does, echoing the page URL.
    const log = join(t.stack.dir, "ytdlp.log");
    const fake = join(t.stack.dir, "yt-dlp");
    await writeFile(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${log}"\nprev=""\nfor a in "$@"; do\n  [ "$prev" = "--batch-file" ] && cat "$a" >> "${log}.url"\n  [ "$prev" = "--config-locations" ] && cat "$a" >> "${log}.conf"\n  prev="$a"\ndone\necho "ERROR: Unsupported URL: $(cat "${log}.url")" >&2\nexit 1\n`,
    );
    await chmod(fake, 0o755);
    const host = t.server.hostPort;
    const direct = await t.stack.store.create({
      type: "ingest",
      payload: {
        source: { kind: "url", url: `http://ann:pa55w0rd@${host}/private/song.wav?token=t0k3n` },
      },
    });
    const page = await t.stack.store.create({
      type: "ingest",
      payload: {
        source: { kind: "url", url: `http://ann:pa55w0rd@${host}/private/watch?sig=s1gn3d` },
      },
    });
    worker = t.stack.startWorker({ EFS_TEST_SSRF_ALLOW: host, YTDLP_PATH: fake });
    const ok = await t.stack.waitForStatus(direct.id, ["complete", "failed"]);
    expect(ok.status, ok.error ?? "").toBe("complete");
    expect(ok.result?.title).toBe("song");
    const bad = await t.stack.waitForStatus(page.id, ["complete", "failed"]);
    expect(bad.error).toBe(
      `could not get media from this page (yt-dlp: Unsupported URL: http://${host}/private/watch?…)`,
    );
    expect(auth.every((a) => a.startsWith("Basic "))).toBe(true);
    const argv = await readFile(log, "utf8");
    expect(argv).not.toMatch(/pa55w0rd|s1gn3d|ann:|Basic/);
    expect(await readFile(`${log}.url`, "utf8")).toBe(`http://${host}/private/watch?sig=s1gn3d\n`);
    expect(await readFile(`${log}.conf`, "utf8")).toContain("--add-header");
    await new Promise((r) => setTimeout(r, 300));
    const stored = await t.stack.store.get(direct.id);
    const shown = [worker.output.join("\n"), JSON.stringify([stored?.result, stored?.error])];
    expect(shown.join("\n")).not.toMatch(/pa55w0rd|t0k3n|s1gn3d/);
  }, 120_000);
});

// Deterministic noise (xorshift32): the same bytes on every run.
function xorshiftBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}
