// Who a pid is: its start time and executable. A pid from an old state file may since belong to
// another program (pids are reused), so `efs up`/`efs down` signal a recorded pid only when the
// process now running under it started at the recorded time from the recorded executable.
// (The command line is not used: `next start` rewrites its own to "next-server".)
import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";

/** What identifies one process for as long as the machine runs. */
export interface ProcIdentity {
  /** Linux: start time in clock ticks since boot (/proc/<pid>/stat field 22); else `ps` lstart. */
  readonly start: string;
  /** The executable's path (Linux /proc/<pid>/exe), else its name (`ps` comm). */
  readonly exe: string;
}

// The identity of the live process `pid`, or null when there is none (or it cannot be read).
export function processIdentity(pid: number): ProcIdentity | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may itself contain them.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const start = fields[19];
      if (!start) return null;
      return { start, exe: exeOf(pid) };
    } catch {
      return null;
    }
  }
  try {
    const out = execFileSync("ps", ["-o", "lstart=", "-o", "comm=", "-p", String(pid)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    // lstart is fixed width: "Mon Jan  1 12:00:00 2024"
    const start = out.slice(0, 24).trim();
    const exe = out.slice(24).trim();
    return start && exe ? { start, exe } : null;
  } catch {
    return null;
  }
}

// The executable of a Linux process; "" when it cannot be read (a zombie has none).
function exeOf(pid: number): string {
  try {
    // An executable replaced on disk while it runs (a Node upgrade) reads "… (deleted)".
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, "");
  } catch {
    return "";
  }
}

// True when `pid` still is the very process `identity` was taken from (running, or exited and
// not yet reaped). A pid and its start time identify a process until the machine restarts;
// the executable must match too whenever it can be read.
export function isSameProcess(pid: number, identity: ProcIdentity | null | undefined): boolean {
  if (!identity) return false;
  const now = processIdentity(pid);
  if (now === null || now.start !== identity.start) return false;
  return now.exe === "" || /<defunct>/.test(now.exe) || now.exe === identity.exe;
}
