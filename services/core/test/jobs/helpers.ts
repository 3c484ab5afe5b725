// Test helpers: a fresh libsql file per test, a controllable clock, tsx child processes.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { openJobStore } from "../../src/jobs/store";
import type { JobStore } from "../../src/jobs/types";

export const run = promisify(execFile);

/** A fake clock: tests move time instead of sleeping. */
export interface Clock {
  now: () => number;
  advance: (ms: number) => void;
}

export function fakeClock(start = 1_800_000_000_000): Clock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A temp dir holding one database file; `open` returns stores on it, all closed by `cleanup`. */
export interface TempDb {
  dir: string;
  url: string;
  open: (opts?: Partial<Parameters<typeof openJobStore>[0]>) => Promise<JobStore>;
  cleanup: () => Promise<void>;
}

export async function tempDb(): Promise<TempDb> {
  const dir = await mkdtemp(join(tmpdir(), "efs-jobs-"));
  const url = `file:${join(dir, "efs.db")}`;
  const stores: JobStore[] = [];
  return {
    dir,
    url,
    async open(opts = {}) {
      const store = await openJobStore({ url, ...opts });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores.splice(0)) s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

// Runs a TypeScript fixture in its own Node process (tsx), returning its stdout.
export async function runTs(file: string, args: string[], timeout = 90_000): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", file, ...args], {
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

// Starts one process per argv list; each prints "ready", then all get "go" at once.
// Resolves to each process's last stdout line.
export async function runTogether(
  file: string,
  argvs: string[][],
  timeout = 90_000,
): Promise<string[]> {
  const procs = argvs.map((args) =>
    spawn(process.execPath, ["--import", "tsx", file, ...args], {
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const timer = setTimeout(() => {
    for (const p of procs) p.kill("SIGKILL");
  }, timeout);
  try {
    const lines = procs.map((p) => {
      const rl = createInterface({ input: p.stdout });
      const all: string[] = [];
      const ready = new Promise<void>((resolve) => rl.once("line", () => resolve()));
      rl.on("line", (l) => all.push(l));
      const exit = new Promise<string>((resolve, reject) =>
        p.once("exit", (code) =>
          code === 0 ? resolve(all.at(-1) ?? "") : reject(new Error(`${file} exited ${code}`)),
        ),
      );
      return { ready, exit };
    });
    await Promise.race([
      Promise.all(lines.map((l) => l.ready)),
      Promise.all(lines.map((l) => l.exit)),
    ]);
    for (const p of procs) p.stdin?.end("go\n");
    return await Promise.all(lines.map((l) => l.exit));
  } finally {
    clearTimeout(timer);
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  }
}
