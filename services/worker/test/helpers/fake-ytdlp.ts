// Fake yt-dlp executables (the real one would reach the internet): each records its argv and
// pid, then either copies a local file to the -o template or sleeps (a long-running child).
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

// Writes a fake that sleeps `sleepSec` after recording its pid in <dir>/ytdlp.pid.
export async function slowYtdlp(dir: string, sleepSec = 120): Promise<string> {
  const path = join(dir, "yt-dlp-slow");
  const pid = join(dir, "ytdlp.pid");
  const all = join(dir, "ytdlp.pids");
  await writeFile(path, `#!/bin/sh\necho $$ > "${pid}"\necho $$ >> "${all}"\nsleep ${sleepSec}\n`);
  await chmod(path, 0o755);
  return path;
}

// The pid the slow fake recorded, once it exists.
export async function waitForPid(dir: string, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pid = Number(await readFile(join(dir, "ytdlp.pid"), "utf8").catch(() => ""));
    if (pid > 0) return pid;
    if (Date.now() > until) throw new Error("the fake yt-dlp never started");
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Every pid the slow fake recorded so far (one line per started yt-dlp).
export async function startedPids(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, "ytdlp.pids"), "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map(Number);
}

// True while a process with this pid exists.
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Waits until `pid` is gone; returns how long it took.
export async function waitGone(pid: number, timeoutMs = 10_000): Promise<number> {
  const t0 = Date.now();
  while (alive(pid)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`process ${pid} is still running`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - t0;
}
