// The running studio's state file (`<data>/up-state.json`): who supervises, which pids, which
// ports, how far readiness got. Written atomically by the supervisor; read by up/down/logs.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

/** One supervised process. */
export interface ServiceState {
  readonly name: string;
  readonly pid: number | null;
  readonly ready: boolean;
  readonly restarts: number;
}

/** The whole studio. */
export interface UpState {
  readonly version: 1;
  readonly supervisorPid: number;
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

// Sends `signal` to the process group led by `pid` (falls back to the pid alone).
export function signalGroup(pid: number | null | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

// True when the group led by `pid` still has a member.
export function groupAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" || pidAlive(pid);
  }
}
