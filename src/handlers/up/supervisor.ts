// Runs the studio's processes, each in its own process group with output appended to its log
// file (and handed to `onLine`), restarts one that crashes (with backoff) and stops them all.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { groupAlive, signalGroup } from "@efs/core/proc/group";
import { type ProcIdentity, processIdentity } from "../../local/proc-identity";
import type { ServiceSpec } from "./services";

/** What the supervisor reports. */
export interface SupervisorEvents {
  // One output line of a service.
  line(service: string, line: string): void;
  // A service exited on its own and is being restarted.
  crashed(service: string, how: string, restartInMs: number, restarts: number): void;
  // A service's pid changed (start or restart).
  started(service: string, pid: number): void;
}

interface Running {
  readonly spec: ServiceSpec;
  child: ChildProcess | null;
  identity: ProcIdentity | null;
  restarts: number;
  total: number;
  timer: NodeJS.Timeout | null;
  log: WriteStream;
  lastStart: number;
}

const MAX_BACKOFF_MS = 30_000;

/** The set of supervised processes. */
export class Supervisor {
  readonly #procs = new Map<string, Running>();
  readonly #events: SupervisorEvents;
  readonly #logPath: (service: string) => string;
  #stopping = false;

  constructor(events: SupervisorEvents, logPath: (service: string) => string) {
    this.#events = events;
    this.#logPath = logPath;
  }

  // Starts `spec` (and keeps it running until stop()).
  start(spec: ServiceSpec): void {
    const log = createWriteStream(this.#logPath(spec.name), { flags: "a", mode: 0o600 });
    const r: Running = {
      spec,
      child: null,
      identity: null,
      restarts: 0,
      total: 0,
      timer: null,
      log,
      lastStart: 0,
    };
    this.#procs.set(spec.name, r);
    this.#spawn(r);
  }

  // Current pid of each service (null while waiting to restart).
  pids(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [name, r] of this.#procs) out[name] = r.child?.pid ?? null;
    return out;
  }

  // Start time and executable of each service's current process (recorded in the state file).
  identities(): Record<string, ProcIdentity | null> {
    const out: Record<string, ProcIdentity | null> = {};
    for (const [name, r] of this.#procs) out[name] = r.child ? r.identity : null;
    return out;
  }

  restarts(name: string): number {
    return this.#procs.get(name)?.total ?? 0;
  }

  // True while `name`'s current process is running.
  running(name: string): boolean {
    const c = this.#procs.get(name)?.child;
    return Boolean(c && c.exitCode === null && c.signalCode === null);
  }

  // SIGTERM to every group; SIGKILL to what is left after `graceMs`. Resolves when all exited.
  async stop(graceMs = 1500): Promise<void> {
    this.#stopping = true;
    const all = [...this.#procs.values()];
    for (const r of all) if (r.timer) clearTimeout(r.timer);
    const exits = all.map((r) => waitGone(r.child));
    for (const r of all) signalGroup(r.child?.pid, "SIGTERM");
    const kill = setTimeout(() => this.killAll(), graceMs);
    await Promise.all(exits);
    clearTimeout(kill);
    this.killAll();
    await Promise.all(all.map((r) => new Promise<void>((res) => r.log.end(() => res()))));
  }

  // Synchronous last resort (process exit): SIGKILL every group that still has members.
  killAll(): void {
    this.#stopping = true;
    for (const r of this.#procs.values()) {
      if (r.timer) clearTimeout(r.timer);
      // The group of a child we spawned: its id stays reserved while any member lives.
      const pid = r.child?.pid;
      if (pid && groupAlive(pid)) signalGroup(pid, "SIGKILL");
    }
  }

  #spawn(r: Running): void {
    r.timer = null;
    if (this.#stopping) return;
    r.lastStart = Date.now();
    const child = spawn(r.spec.command, [...r.spec.args], {
      cwd: r.spec.cwd,
      env: r.spec.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    r.child = child;
    // spawn() returns once the child has exec'd, so this is the service's own identity.
    r.identity = child.pid ? processIdentity(child.pid) : null;
    const name = r.spec.name;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        r.log.write(`${new Date().toISOString()} ${line}\n`);
        this.#events.line(name, line);
      });
    }
    child.once("error", (e) => {
      r.log.write(`${new Date().toISOString()} [up] failed to start: ${e.message}\n`);
    });
    if (child.pid) this.#events.started(name, child.pid);
    child.once("exit", (code, signal) => {
      if (this.#stopping) return;
      // A process that ran for a minute earns a fresh backoff.
      if (Date.now() - r.lastStart > 60_000) r.restarts = 0;
      r.restarts += 1;
      r.total += 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(r.restarts - 1, 6));
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      // Take the rest of the group down too, so a restart never fights a leftover child.
      if (child.pid) signalGroup(child.pid, "SIGKILL");
      r.child = null;
      this.#events.crashed(name, how, delay, r.total);
      r.timer = setTimeout(() => this.#spawn(r), delay);
    });
  }
}

function waitGone(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => child.once("exit", () => res()));
}
