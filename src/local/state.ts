// The running studio's state file (`<data>/up-state.json`): who supervises, which pids, which
// ports, how far readiness got. Written atomically by the supervisor; read by up/down/logs.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { groupAlive, signalGroup } from "@efs/core/proc/group";
import { isSameProcess, type ProcIdentity } from "./proc-identity";

/** One supervised process (the leader of its own process group). */
export interface ServiceState {
  readonly name: string;
  readonly pid: number | null;
  /** Start time and executable of `pid`, taken when it started (absent in older files). */
  readonly identity?: ProcIdentity | null;
  readonly ready: boolean;
  readonly restarts: number;
}

/** The whole studio. */
export interface UpState {
  readonly version: 1;
  readonly supervisorPid: number;
  /** Start time and executable of the supervisor (absent in older files). */
  readonly supervisorIdentity?: ProcIdentity | null;
  readonly detached: boolean;
  readonly url: string;
  readonly port: number;
  readonly rendererPort: number;
  readonly dataDir: string;
  readonly storage: string;
  readonly startedAt: number;
  readonly readyAt: number | null;
  // Set when the supervisor gave up (e.g. a service never became ready).
  readonly error: string | null;
  readonly services: readonly ServiceState[];
}

// The state file's content, or null when there is none (or it is unreadable).
export function readState(file: string): UpState | null {
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as UpState;
    return s.version === 1 && typeof s.supervisorPid === "number" ? s : null;
  } catch {
    return null;
  }
}

// Replaces the state file atomically.
export function writeState(file: string, state: UpState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

// Removes the state file (after a clean stop).
export function removeState(file: string): void {
  rmSync(file, { force: true });
}

// True when a process with this pid exists (signal 0).
export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a recorded group leader may be signalled:
 * - `ours`: the leader runs and is the process that was recorded (same start time, executable);
 * - `leftovers`: the leader is gone but its group still has members. A group id stays taken
 *   while any member lives, so no other program can hold it: these are the service's children;
 * - `stranger`: the pid now belongs to another program (or its identity was never recorded);
 * - `gone`: nothing left.
 */
export type GroupOwnership = "ours" | "leftovers" | "stranger" | "gone";

// Decides what `pid` (recorded with `identity`) is now; see GroupOwnership.
export function ownedGroup(
  pid: number | null | undefined,
  identity: ProcIdentity | null | undefined,
): GroupOwnership {
  if (!pid) return "gone";
  if (pidAlive(pid)) return isSameProcess(pid, identity) ? "ours" : "stranger";
  return groupAlive(pid) ? "leftovers" : "gone";
}

// Signals the group of `pid` if it is still ours (re-checked right before the signal).
export function signalOwnedGroup(
  pid: number | null | undefined,
  identity: ProcIdentity | null | undefined,
  signal: NodeJS.Signals,
): boolean {
  const owned = ownedGroup(pid, identity);
  if (owned !== "ours" && owned !== "leftovers") return false;
  signalGroup(pid, signal);
  return true;
}
