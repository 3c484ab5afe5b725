// A real local renderer (`services/renderer/src/cli.ts serve`, real Chromium) killed with
// SIGKILL in the middle of a render: its Chromium dies with it, the next renderer removes the
// dead one's scratch folders (profile, audio), and the worker dispatches the render again
// instead of failing it as "renderer reported unknown: no such call".
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { LocalStorage } from "@efs/core/storage/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAudio } from "./helpers/seed-audio";
import { createStack, type Stack } from "./helpers/stack";
import { REPO_ROOT, reapWorkers, type WorkerProcess } from "./helpers/worker-process";

const TOKEN = "crash-test-renderer-token";

// Pids of live processes whose command line mentions `needle` (Chromium's --user-data-dir).
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

async function until(fn: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe("a renderer killed mid-render (real renderer process, real Chromium)", () => {
  let stack: Stack;
  let web: Server;
  let worker: WorkerProcess;
  let renderer: ChildProcess | null = null;
  const rendererLog: string[] = [];
  let scratch: string;
  let port: number;
  let env: NodeJS.ProcessEnv;

  const startRenderer = () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "services/renderer/src/cli.ts", "serve", "--port", String(port)],
      { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    for (const s of [child.stdout, child.stderr]) {
      s?.setEncoding("utf8").on("data", (d: string) => rendererLog.push(...d.split("\n")));
    }
    renderer = child;
    return child;
  };

  beforeAll(async () => {
    // Stands in for the web app: serves the signed storage URLs and takes the webhook.
    web = createServer(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname.startsWith("/api/storage/")) {
        const key = decodeURIComponent(url.pathname.slice("/api/storage/".length));
        const ok = (stack.storage as LocalStorage).verifySignedRequest({
          method: "GET",
          key,
          query: url.searchParams,
        });
        if (!ok.ok) {
          res.writeHead(403).end();
          return;
        }
        const { body } = await stack.storage.get(key);
        res.writeHead(200, { "content-type": "application/octet-stream" });
        body.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const hook = JSON.parse(Buffer.concat(chunks).toString()) as {
        jobId: string;
        status: string;
        result?: Record<string, unknown>;
        error?: string;
      };
      if (hook.status === "complete") await stack.store.complete(hook.jobId, hook.result ?? {});
      else await stack.store.fail(hook.jobId, hook.error ?? "failed");
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    stack = await createStack({
      NEXT_PUBLIC_APP_URL: `http://127.0.0.1:${(web.address() as AddressInfo).port}`,
      LOCAL_STORAGE_SECRET: "cd".repeat(32),
      RENDER_BACKEND: "local",
      RENDERER_URL: `http://127.0.0.1:${port}`,
      RENDERER_AUTH_TOKEN: TOKEN,
    });
    scratch = join(stack.dir, "renderer-tmp");
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...stack.env,
      EFS_RENDERER_TMP_DIR: scratch,
    };
  }, 60_000);

  afterAll(async () => {
    if (renderer && renderer.exitCode === null) renderer.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    for (const pid of processesMentioning(scratch)) process.kill(pid, "SIGKILL");
    await worker?.stop();
    const leaked = await reapWorkers();
    await new Promise((r) => web.close(r));
    await stack.close();
    // Asserted after the clean-up, so a leak does not also leave the temp folder.
    expect(leaked, "a test leaked a worker process").toBe(0);
  });

  it("takes its Chromium along, leaves nothing after the restart, and the render is dispatched again", async () => {
    const audioId = await seedAudio(stack, 3);
    const job = await stack.store.create({
      type: "render",
      payload: {
        audioId,
        preset: "ethereal-flame",
        format: "preview-360p",
        fps: 30,
        durationSec: 3,
      },
    });
    const first = startRenderer();
    await until(
      () => rendererLog.some((l) => l.includes("renderer listening")),
      60_000,
      "renderer",
    );
    worker = stack.startWorker({ WORKER_RECONCILE_INTERVAL_MS: "500" });
    await worker.waitFor(`[Render] Job ${job.id} dispatched to local renderer`, 60_000);

    // Chromium is up for this render (its profile lives in the renderer's scratch root).
    await until(() => processesMentioning(`${scratch}/chromium-`).length > 2, 90_000, "Chromium");
    const browsers = processesMentioning(`${scratch}/chromium-`);
    const exited = new Promise((r) => first.once("exit", r));
    first.kill("SIGKILL");
    await exited;
    await until(
      () => processesMentioning(scratch).length === 0,
      10_000,
      `Chromium to exit with its renderer (still running: ${browsers.join(", ")})`,
    );
    const left = readdirSync(scratch);
    expect(left.some((n) => n.startsWith(`chromium-${first.pid}-`))).toBe(true);
    expect((await stack.store.get(job.id))?.status).toBe("processing");

    startRenderer();
    await until(
      () => rendererLog.some((l) => l.includes("scratch folder(s) of stopped renderers")),
      60_000,
      "the restarted renderer's sweep",
    );
    for (const name of left) expect(existsSync(join(scratch, name)), name).toBe(false);

    await worker.waitFor(
      `[Render] Job ${job.id}: the renderer lost this render (no such call: it was restarted or crashed); dispatching it again (attempt 2 of 3)`,
      30_000,
    );
    const done = await stack.waitForStatus(job.id, ["complete", "failed"], 240_000);
    expect(done, rendererLog.join("\n")).toMatchObject({
      status: "complete",
      attempts: 2,
      error: null,
    });
    expect(await stack.storage.stat(`renders/${job.id}/output.mp4`)).not.toBeNull();
    // The finished render cleaned up after itself: nothing of it is left in scratch.
    await until(() => readdirSync(scratch).length === 0, 10_000, "an empty scratch root");
  }, 420_000);
});
