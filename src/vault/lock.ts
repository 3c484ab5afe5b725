// An advisory lock file next to the vault. The holder writes {pid, hostname, createdAt,
// token}; a lock whose pid is dead on this host, or that is older than `staleMs`, is stolen
// (stale locks after Ctrl-C or kill -9 must never block the user).
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { EfsError, interruption } from "../errors";
import { onCleanup } from "../process-cleanup";

interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly createdAt: number;
  readonly token: string;
  // The command holding the lock ("efs destroy"), when the caller named it.
  readonly command?: string;
}

export interface LockOptions {
  // How long to wait for a live holder before failing (default 15 s).
  readonly timeoutMs?: number;
  // A lock older than this is stale even if its pid looks alive (default 2 min).
  readonly staleMs?: number;
  readonly signal?: AbortSignal;
  // Recorded in the lock file, so a command that finds it locked can say who holds it.
  readonly command?: string;
}

// True when `pid` is a running process on this host.
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof h.pid === "number" && typeof h.token === "string" ? h : null;
  } catch {
    return null;
  }
}

function isStale(path: string, holder: LockHolder | null, staleMs: number): boolean {
  if (holder === null) {
    // Created but never written (killed between open and write): stale after a moment.
    try {
      return Date.now() - statSync(path).mtimeMs > 2000;
    } catch {
      return false;
    }
  }
  if (holder.hostname === hostname() && !pidAlive(holder.pid)) return true;
  return Date.now() - holder.createdAt > staleMs;
}

// Removes a stale lock without removing a live one that replaced it in the meantime.
function steal(path: string, judged: LockHolder | null): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else stole or released it
  }
  const moved = readHolder(aside);
  if (judged !== null && moved?.token !== judged.token) {
    // We moved a fresh lock: put it back unless yet another one appeared.
    try {
      linkSync(aside, path);
    } catch {
      // a newer holder exists; the one we moved lost its lock file (rare, logged by timeout)
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

// Acquires the lock at `path`; returns a release function (also run on SIGINT/exit).
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 120_000;
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    createdAt: Date.now(),
    token: randomBytes(12).toString("hex"),
    ...(options.command ? { command: options.command } : {}),
  };
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify({ ...me, createdAt: Date.now() }), {
        flag: "wx",
        mode: 0o600,
      });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = readHolder(path);
    if (isStale(path, holder, staleMs)) {
      steal(path, holder);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder
        ? `pid ${holder.pid} on ${holder.hostname} since ${new Date(holder.createdAt).toISOString()}`
        : "a process that is starting";
      throw new EfsError(`The vault is locked by ${who}`, {
        fix: `wait for that efs command to finish; if it is gone, delete ${path}`,
        code: "VAULT_LOCKED",
      });
    }
    if (options.signal?.aborted)
      throw interruption(options.signal, `while waiting for the lock ${path}; nothing was written`);
    await sleep(10 + Math.min(attempt, 10) * 5 + Math.floor(Math.random() * 15));
  }
  const release = () => {
    if (readHolder(path)?.token === me.token) {
      try {
        unlinkSync(path);
      } catch {
        // already removed
      }
    }
  };
  const unregister = onCleanup(release);
  return () => {
    unregister();
    release();
  };
}
