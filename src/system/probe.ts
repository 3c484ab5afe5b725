// Finds programs on PATH and asks them for their version (no shell, short timeouts).
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { runChild } from "@efs/core/proc/run";

// The absolute path of `name` on PATH, or null.
export function which(name: string, env: Readonly<NodeJS.ProcessEnv>): string | null {
  if (name.includes("/")) return isExecutable(name) ? name : null;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Output of a finished probe. */
export interface ProbeOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Runs `file args` (10 s limit) and returns its output; never throws.
export async function probe(
  file: string,
  args: readonly string[],
  env: Readonly<NodeJS.ProcessEnv>,
  cwd?: string,
  timeoutMs = 10_000,
): Promise<ProbeOutput> {
  try {
    const res = await runChild(file, args, { env, inheritEnv: false, cwd, timeoutMs });
    return { code: res.timedOut ? null : res.exitCode, stdout: res.stdout, stderr: res.stderr };
  } catch {
    return { code: null, stdout: "", stderr: "" };
  }
}

// The first line matching a version number in a program's --version output.
export function firstVersionLine(text: string): string {
  const line = text.split("\n").find((l) => /\d+\.\d+/.test(l)) ?? text.split("\n")[0] ?? "";
  return line
    .replace(/ Copyright.*$/, "")
    .trim()
    .slice(0, 80);
}
