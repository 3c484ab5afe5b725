// The renderer's scratch folders (Chromium profile, downloaded audio, the encoded video before
// upload) live under one root (RendererSettings.scratchRoot: EFS_RENDERER_TMP_DIR), each named `<kind>-<pid>-<random>` after the process that made
// it. A renderer killed with SIGKILL cannot clean up, so the next one that starts removes every
// folder whose process is gone (and `efs down` removes the root of a local studio).
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";

const NAME = /^[a-z]+-(\d+)-[A-Za-z0-9]+$/;

// A fresh folder `<root>/<kind>-<pid>-<random>` (mode 0700); the caller removes it.
export async function makeScratchDir(kind: string, root: string): Promise<string> {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  return mkdtemp(join(root, `${kind}-${process.pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Removes the folders of processes that no longer run; returns their names.
export function sweepScratch(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
