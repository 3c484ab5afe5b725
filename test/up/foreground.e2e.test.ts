// `efs up` in the foreground: progress, then the URL, then prefixed service logs; Ctrl-C stops
// every process group (no orphans) and removes the state file; the data survives a restart.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild } from "../../test-support/web-server";
import {
  alive,
  cleanEnv,
  EFS,
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
  it("prints the URL once ready, streams prefixed logs and stops everything on Ctrl-C", async () => {
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

    child.kill("SIGINT");
    expect(await exited).toBe(130);
    for (const pid of seen) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(await portFree(port)).toBe(true);
    expect(readState(dataDir)).toBeNull();
    expect(existsSync(join(dataDir, "efs.db"))).toBe(true);
    expect(existsSync(join(dataDir, "secrets.json"))).toBe(true);
  }, 420_000);
});
