// One `efs init` at a time per project: a lock file next to the vault, stolen when stale.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EfsError } from "../errors";
import { acquireLock } from "../vault/lock";

// Where the init lock lives in a project.
export function initLockPath(root: string): string {
  return join(root, ".efs", "init.lock");
}

// Takes the init lock (efs destroy takes it too: the two never run at once); a holder whose
// pid is dead (Ctrl-C, kill -9) is stale and replaced.
export async function lockInit(root: string): Promise<() => void> {
  mkdirSync(join(root, ".efs"), { recursive: true, mode: 0o700 });
  try {
    return await acquireLock(initLockPath(root), { timeoutMs: 1500, staleMs: 12 * 3600_000 });
  } catch (err) {
    if (err instanceof EfsError && err.code === "VAULT_LOCKED") {
      throw new EfsError(
        `Another efs init is running in this project (${err.message.replace(/^The vault is locked by /, "")})`,
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
  let who = "an unknown process";
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as {
      pid: number;
      hostname: string;
      createdAt: number;
    };
    who = `pid ${h.pid} on ${h.hostname} since ${new Date(h.createdAt).toISOString()}`;
  } catch {
    // unreadable lock: remove it anyway
  }
  rmSync(path, { force: true });
  return who;
}
