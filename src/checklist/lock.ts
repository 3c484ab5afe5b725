// One `efs init` or `efs destroy` at a time per project: a lock file next to the vault,
// naming the command that holds it, stolen when stale.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EfsError } from "../errors";
import { acquireLock } from "../vault/lock";

// Where the init lock lives in a project.
function initLockPath(root: string): string {
  return join(root, ".efs", "init.lock");
}

/** The commands that take the init lock. */
export type LockingCommand = "efs init" | "efs destroy";

// The lock file's holder: pid, host, start time and (when recorded) the command.
function readInitLock(path: string): {
  pid: number;
  hostname: string;
  createdAt: number;
  command?: string;
} | null {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

// Takes the init lock for `command` (efs init and efs destroy never run at once); a holder
// whose pid is dead (Ctrl-C, kill -9) is stale and replaced.
export async function lockInit(
  root: string,
  command: LockingCommand = "efs init",
): Promise<() => void> {
  mkdirSync(join(root, ".efs"), { recursive: true, mode: 0o700 });
  try {
    return await acquireLock(initLockPath(root), {
      timeoutMs: 1500,
      staleMs: 12 * 3600_000,
      command,
    });
  } catch (err) {
    if (err instanceof EfsError && err.code === "VAULT_LOCKED") {
      const holder = readInitLock(initLockPath(root))?.command ?? "efs init or efs destroy";
      throw new EfsError(
        `Another ${holder} is running in this project (${err.message.replace(/^The vault is locked by /, "")})`,
        {
          fix: "wait for it to finish; if that process is gone (another machine, container), run efs init --unlock",
          code: "INIT_LOCKED",
        },
      );
    }
    throw err;
  }
}

// Removes the init lock; returns who held it, or null when there was none.
export function unlockInit(root: string): string | null {
  const path = initLockPath(root);
  if (!existsSync(path)) return null;
  const h = readInitLock(path);
  // An unreadable lock is removed anyway.
  const who = h
    ? `${h.command ? `${h.command}, ` : ""}pid ${h.pid} on ${h.hostname} since ${new Date(h.createdAt).toISOString()}`
    : "an unknown process";
  rmSync(path, { force: true });
  return who;
}
