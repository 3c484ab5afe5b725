// Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it
// over the target, fsync the directory. A reader sees the old or the new file, never half.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { onCleanup } from "../process-cleanup";

// Replaces `path` with `data` atomically; the file is created with `mode` (default 0600).
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const unregister = onCleanup(() => unlinkSync(tmp));
  try {
    const fd = openSync(tmp, "wx", mode);
    try {
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw e;
  } finally {
    unregister();
  }
}

// Flushes a directory entry change (rename) to disk; a no-op where unsupported.
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on directories
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// Deletes temp files of `path` left by processes that died mid-write (call under the lock).
export function removeOrphanTemps(path: string, isAlive: (pid: number) => boolean): number {
  const prefix = `${basename(path)}.`;
  let removed = 0;
  for (const name of readdirSync(dirname(path))) {
    const m = name.startsWith(prefix) ? /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name) : null;
    if (m && !isAlive(Number(m[1]))) {
      try {
        unlinkSync(join(dirname(path), name));
        removed += 1;
      } catch {
        // raced with another cleaner
      }
    }
  }
  return removed;
}
