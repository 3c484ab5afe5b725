// Signals to a process group: how the runner (./run.ts) and `efs up`'s supervisor stop a
// program together with everything it started.

// Sends `signal` to the process group led by `pid`. Only the group, never a bare pid, which
// may by now belong to another program: a group id stays taken while any member lives.
export function signalGroup(pid: number | null | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // no such group (any more)
  }
}

// True while the process group `pid` led still has a member.
export function groupAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
