// Shared helpers for the `efs up` / `efs smoke` end-to-end tests: run the built CLI as users do
// (`node bin/efs.js`), read the state file, and check that processes and ports are gone.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "../..");
export const EFS = join(REPO, "bin/efs.js");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Runs `node bin/efs.js …` and resolves when it exits (killed after timeoutMs).
export function efs(
  args: string[],
  o: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [EFS, ...args], {
      cwd: o.cwd ?? REPO,
      env: o.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 120_000);
    child.on("error", rej);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code: code ?? 128, stdout, stderr });
    });
  });
}

// The one JSON envelope a `--json` run printed.
export function envelope<T = unknown>(r: Run): { ok: boolean; exitCode: number; data: T } {
  try {
    return JSON.parse(r.stdout.trim()) as { ok: boolean; exitCode: number; data: T };
  } catch {
    throw new Error(
      `not one JSON document (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`,
    );
  }
}

export interface StateFile {
  supervisorPid: number;
  url: string;
  port: number;
  rendererPort: number;
  services: { name: string; pid: number | null; ready: boolean; restarts: number }[];
}

// The data dir's up-state.json, or null.
export function readState(dataDir: string): StateFile | null {
  const f = join(dataDir, "up-state.json");
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as StateFile) : null;
}

// Every pid of a state file (supervisor + services).
export function statePids(s: StateFile): number[] {
  return [s.supervisorPid, ...s.services.map((x) => x.pid)].filter((p): p is number => !!p);
}

// True when the pid or its process group still exists.
export function alive(pid: number): boolean {
  for (const target of [pid, -pid]) {
    try {
      process.kill(target, 0);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPERM") return true;
    }
  }
  return false;
}

// Kills every recorded group (test clean-up when an assertion failed half way).
export function killAll(pids: number[]): void {
  for (const p of pids) {
    for (const target of [-p, p]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}

// True when 127.0.0.1:port can be bound (nothing listens).
export function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once("error", () => res(false));
    s.listen(port, "127.0.0.1", () => s.close(() => res(true)));
  });
}

export { freePort } from "../../src/handlers/up/port";

// Polls `fn` until it returns true or `timeoutMs` passes.
export async function until(
  fn: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// A clean environment for efs (no cloud variables from the developer's shell).
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: "C.UTF-8",
    CI: "true",
    NO_COLOR: "1",
    ...extra,
  };
}
