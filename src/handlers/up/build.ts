// Builds what `efs up` runs from a checkout and is not built yet: the web app (`next build`)
// when services/web/.next has no build or a source file is newer than the build.
// The worker and the renderer run from TypeScript through tsx; the renderer bundles its
// capture page in memory at start, so neither needs a build step.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { runChild } from "@efs/core/proc/run";

const WEB_SOURCES = [
  "services/web/app",
  "services/web/lib",
  "services/web/next.config.ts",
  "services/web/package.json",
  "services/core/src",
  "services/visual/src",
];

/** Why the web app needs a build, or null when its build is current. */
export function webBuildReason(root: string): string | null {
  let built: number;
  try {
    built = statSync(join(root, "services/web/.next/BUILD_ID")).mtimeMs;
  } catch {
    return "no build yet (services/web/.next/BUILD_ID missing)";
  }
  for (const p of WEB_SOURCES) {
    const newer = newestMtime(join(root, p));
    if (newer.mtime > built)
      return `${newer.file.slice(root.length + 1)} changed since the last build`;
  }
  return null;
}

function newestMtime(path: string): { mtime: number; file: string } {
  let best = { mtime: 0, file: path };
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return best;
  }
  if (!st.isDirectory()) return { mtime: st.mtimeMs, file: path };
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const sub = newestMtime(join(path, name));
    if (sub.mtime > best.mtime) best = sub;
  }
  return best;
}

// Runs `next build` in services/web; `onLine` gets its output; rejects with the tail on failure.
export async function buildWeb(
  root: string,
  env: Readonly<NodeJS.ProcessEnv>,
  onLine: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const tail: string[] = [];
  const res = await runChild(
    process.execPath,
    [join(root, "node_modules/next/dist/bin/next"), "build"],
    {
      cwd: join(root, "services/web"),
      env: { ...env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      inheritEnv: false,
      signal,
      killGraceMs: 0,
      onLine: (line) => {
        if (!line.trim()) return;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        onLine(line);
      },
    },
  );
  if (res.exitCode !== 0) {
    throw new Error(`next build failed (exit ${res.exitCode ?? res.signal}):\n${tail.join("\n")}`);
  }
}
