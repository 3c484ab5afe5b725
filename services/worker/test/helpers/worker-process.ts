// Runs the real worker entry (`node --import tsx services/worker/src/main.ts`) as a child
// process; collects its output lines; every started worker is tracked so tests can fail on leaks.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
const ENTRY = join(REPO_ROOT, "services/worker/src/main.ts");

export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves with the first output line matching, or rejects after timeoutMs. */
  waitFor(match: string | RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

const started = new Set<WorkerProcess>();

// Env for a local-backend worker; production variables from the outer env are dropped.
export function workerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG", "NODE_OPTIONS"]) {
    if (process.env[k] !== undefined) base[k] = process.env[k];
  }
  return {
    ...base,
    WORKER_POLL_MS: "100",
    WORKER_LEASE_MS: "4000",
    WORKER_HEARTBEAT_MS: "300",
    WORKER_REAP_INTERVAL_MS: "500",
    WORKER_STATUS_INTERVAL_MS: "500",
    ...extra,
  };
}

// Starts a worker; output is also echoed when EFS_TEST_VERBOSE is set.
export function startWorkerProcess(env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const waiters = new Set<{ match: string | RegExp; resolve: (l: string) => void }>();
  const onLine = (line: string) => {
    output.push(line);
    if (process.env.EFS_TEST_VERBOSE) process.stderr.write(`  worker| ${line}\n`);
    for (const w of waiters) {
      if (typeof w.match === "string" ? line.includes(w.match) : w.match.test(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buf = "";
    stream?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      lines.forEach(onLine);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  const proc: WorkerProcess = {
    child,
    output,
    waitFor(match, timeoutMs = 30_000) {
      const hit = output.find((l) =>
        typeof match === "string" ? l.includes(match) : match.test(l),
      );
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = {
          match,
          resolve: (l: string) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`worker never printed ${String(match)}; output:\n${output.join("\n")}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      started.delete(proc);
    },
  };
  started.add(proc);
  exited.then(() => started.delete(proc));
  return proc;
}

// Kills leftover workers; returns how many were still running (a test leak).
export async function reapWorkers(): Promise<number> {
  const left = [...started];
  await Promise.all(left.map((w) => w.stop()));
  return left.length;
}
