// `efs up` in the foreground: progress, then the URL, then prefixed service logs; Ctrl-C stops
// every process group (no orphans) and removes the state file; the data survives a restart.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild } from "../../test-support/web-server";
import {
  alive,
  cleanEnv,
  EFS,
  efs,
  freePort,
  killAll,
  portFree,
  readState,
  statePids,
  until,
} from "./helpers";

let root: string;
let child: ChildProcess | null = null;
let seen: number[] = [];

beforeAll(async () => {
  await ensureWebBuild();
  root = await mkdtemp(join(tmpdir(), "efs-up-fg-"));
}, 1_200_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  killAll(seen);
  if (root) await rm(root, { recursive: true, force: true });
});

describe("efs up in the foreground", () => {
  it("prints the URL once ready, streams prefixed logs, stops everything on Ctrl-C and keeps the data for the next start", async () => {
    const port = await freePort();
    const dataDir = join(root, "data");
    child = spawn(
      process.execPath,
      [EFS, "up", "--no-build", "--port", String(port), "--data-dir", dataDir],
      {
        env: cleanEnv(root),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));

    await until(
      () => stderr.includes("Ethereal Flame Studio is up"),
      300_000,
      `the ready banner:\n${stderr}`,
    );
    expect(stderr).toContain(`http://localhost:${port}`);
    expect(stderr).toMatch(/access: open/);
    expect(stderr).toMatch(/web ready \([\d.]+ s\)/);
    expect(stderr).toMatch(/worker-1 ready/);
    expect(stderr).toMatch(/renderer ready/);
    const state = readState(dataDir)!;
    seen = statePids(state);
    expect(state.supervisorPid).toBe(child.pid);

    // A request that makes the web app log (an unknown job id) shows up prefixed on stdout.
    await fetch(`http://127.0.0.1:${port}/api/jobs/job_00000000000000000000000000`);
    const worker = state.services.find((s) => s.name === "worker-1")!;
    process.kill(-worker.pid!, "SIGKILL");
    await until(
      () => /worker-1 killed by SIGKILL; restarting/.test(stderr),
      30_000,
      "the crash report",
    );
    await until(
      () => /^worker-1 \| .*\[Worker\] Started/m.test(stdout),
      60_000,
      `prefixed worker log:\n${stdout}`,
    );
    seen = [...new Set([...seen, ...statePids(readState(dataDir)!)])];

    // A job created now must still be there after a restart (same data dir, same secrets).
    const created = await fetch(`http://127.0.0.1:${port}/api/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "ingest",
        source: { kind: "url", url: "https://example.invalid/a.mp3" },
      }),
    });
    expect(created.status).toBe(201);
    const jobId = ((await created.json()) as { job: { id: string } }).job.id;
    const secrets = readFileSync(join(dataDir, "secrets.json"), "utf8");

    child.kill("SIGINT");
    expect(await exited).toBe(130);
    // SIGKILLed stragglers may take a moment to be reaped after efs exits.
    await until(
      () => seen.every((pid) => !alive(pid)),
      10_000,
      `pids ${seen.join(", ")} to be gone`,
    );
    expect(await portFree(port)).toBe(true);
    expect(readState(dataDir)).toBeNull();
    expect(existsSync(join(dataDir, "efs.db"))).toBe(true);
    expect(existsSync(join(dataDir, "secrets.json"))).toBe(true);

    const again = await efs(
      ["up", "--detach", "--no-build", "--port", String(port), "--data-dir", dataDir],
      {
        env: cleanEnv(root),
        timeoutMs: 360_000,
      },
    );
    const restarted = readState(dataDir);
    if (restarted) seen = [...new Set([...seen, ...statePids(restarted)])];
    expect(again.code, again.stderr).toBe(0);
    const kept = await fetch(`http://127.0.0.1:${port}/api/jobs/${jobId}`);
    expect(kept.status).toBe(200);
    expect(readFileSync(join(dataDir, "secrets.json"), "utf8")).toBe(secrets);
    expect(
      (await efs(["down", "--data-dir", dataDir], { env: cleanEnv(root), timeoutMs: 60_000 })).code,
    ).toBe(0);
    for (const pid of seen) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 600_000);
});
