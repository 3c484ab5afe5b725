// Ctrl-C and SIGTERM during `efs smoke` (against a small studio speaking the web app's API
// over loopback HTTP) and `efs render` (real Chromium and ffmpeg): exit 130 / 143, no request
// after the signal but smoke's cleanup of its own test jobs, and a message saying what was done and what was not.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnEfs } from "../helpers/cli";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// The studio API smoke uses, with an ingest job that never finishes; `onPoll` runs on the
// first poll of that job, before it is answered. `deleteHangs`: DELETE never answers.
async function studio(onPoll: () => Promise<void>, deleteHangs = false) {
  const seen: string[] = [];
  let polled = -1;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const job = { id: "job-smoke-1", status: "processing", error: null, progress: null, urls: {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      for await (const _ of req) {
        // drain the body
      }
      const line = `${req.method} ${req.url}`;
      seen.push(line);
      if (line === "GET /api/health")
        return send(res, 200, { version: "0.1.0", backends: { jobStore: "file" } });
      if (line === "GET /api/session") return send(res, 200, { mode: "open" });
      if (line === "POST /api/uploads")
        return send(res, 200, { key: "uploads/x.wav", upload: { url: `${url}/put/x` } });
      if (line === "PUT /put/x") return send(res, 200, {});
      if (line === "POST /api/jobs") return send(res, 200, { job });
      if (line === `GET /api/jobs/${job.id}`) {
        if (polled === -1) {
          polled = seen.length;
          await onPoll();
        }
        return send(res, 200, { job });
      }
      if (line === `DELETE /api/jobs/${job.id}`) {
        if (deleteHangs) return; // never answered
        return send(res, 200, { deleted: { jobs: [job.id], objects: 1 } });
      }
      send(res, 404, { error: "not here" });
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url, seen, after: () => (polled === -1 ? [] : seen.slice(polled)) };
}

describe("efs smoke and the cancel signal", () => {
  it("stops at Ctrl-C while following the ingest job: exit 130, only its cleanup after it, stages named", async () => {
    let efs: ReturnType<typeof spawnEfs> | undefined;
    const s = await studio(async () => {
      efs?.child.kill("SIGINT");
      await Promise.race([efs?.done, new Promise((r) => setTimeout(r, 1000))]);
    });
    efs = spawnEfs(["smoke", "--url", s.url, "--no-render"], {
      env: { PATH: process.env.PATH, CI: "true", NO_COLOR: "1" },
      timeoutMs: 120_000,
    });
    const run = await efs.done;
    expect(run.code, run.stderr).toBe(130);
    // The one request after the signal deletes the smoke's own test job (issue 20: an
    // interrupted smoke leaves no trace either).
    expect(s.after()).toEqual(["DELETE /api/jobs/job-smoke-1"]);
    expect(run.stderr).toContain(
      "Interrupted (SIGINT): passed health, session, upload; stopped during ingest; not run: playback",
    );
    expect(run.stderr).not.toContain("left in the studio");
  }, 120_000);

  it("names the test jobs it could not delete before leaving when cleanup hangs after Ctrl-C", async () => {
    let efs: ReturnType<typeof spawnEfs> | undefined;
    const s = await studio(async () => {
      efs?.child.kill("SIGINT");
      await Promise.race([efs?.done, new Promise((r) => setTimeout(r, 1000))]);
    }, true);
    efs = spawnEfs(["smoke", "--url", s.url, "--no-render"], {
      env: { PATH: process.env.PATH, CI: "true", NO_COLOR: "1" },
      timeoutMs: 120_000,
    });
    const run = await efs.done;
    expect(run.code, run.stderr).toBe(130);
    expect(s.after()).toEqual(["DELETE /api/jobs/job-smoke-1"]);
    expect(run.stderr).toContain("test jobs left in the studio: job-smoke-1");
  }, 120_000);
});

describe("efs render and the cancel signal", () => {
  it("stops at SIGTERM once frames are being captured: exit 143, no video written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "efs-render-signal-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const audio = join(dir, "tone.wav");
    execFileSync("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", "sine=frequency=220:duration=20"],
      audio,
    ]);
    const out = join(dir, "out.mp4");
    const efs = spawnEfs(
      [
        ...["render", "--audio", audio, "--format", "preview-360p", "--duration", "20"],
        ...["--out", out, "--debug", "--no-color"],
      ],
      { env: { PATH: process.env.PATH, CI: "true", NO_COLOR: "1", HOME: dir }, timeoutMs: 180_000 },
    );
    const deadline = Date.now() + 150_000;
    while (!/debug: capture: /.test(efs.stderr()) && Date.now() < deadline) {
      if (efs.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    efs.child.kill("SIGTERM");
    const run = await efs.done;
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toMatch(
      /Interrupted \(SIGTERM\): (\d+ of \d+ frames rendered|no frame rendered yet); nothing was written to .*out\.mp4/,
    );
    expect(existsSync(out)).toBe(false);
  }, 200_000);
});
