// Starts the built web app (`next start`) on a free loopback port for tests; stop() ends its
// process group. Build once first: `npm run build -w @efs/web` (ensureWebBuild does it if missing).

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../src/handlers/up/port";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WEB_DIR = join(ROOT, "services", "web");
const NEXT_BIN = join(ROOT, "node_modules", "next", "dist", "bin", "next");

export interface WebServer {
  /** Origin, e.g. http://127.0.0.1:41234 (also what NEXT_PUBLIC_APP_URL is set to). */
  url: string;
  port: number;
  /** Last lines of the server's output (for failure messages). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface StartWebServerOptions {
  /** Studio env (EFS_DATA_DIR, STUDIO_ACCESS_KEY, …); NEXT_PUBLIC_APP_URL and PORT are set here. */
  env: Record<string, string | undefined>;
  port?: number;
  /** How long to wait for /api/health to answer (default 120 s: slow shared CI). */
  readyTimeoutMs?: number;
  /** Called with each output line (e.g. to collect `[Webhook]` logs). */
  onLine?: (line: string) => void;
}

// True when services/web/.next holds a production build.
export function hasWebBuild(): boolean {
  return existsSync(join(WEB_DIR, ".next", "BUILD_ID"));
}

/** Sources a web build is made from: a change in any of them makes the build stale. */
const BUILD_INPUTS = [
  join(WEB_DIR, "app"),
  join(WEB_DIR, "lib"),
  join(WEB_DIR, "next.config.ts"),
  join(WEB_DIR, "package.json"),
  join(ROOT, "services", "core", "src"),
  join(ROOT, "services", "visual", "src"),
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

// True when a source file changed after the last build.
export function isWebBuildStale(): boolean {
  if (!hasWebBuild()) return true;
  const built = statSync(join(WEB_DIR, ".next", "BUILD_ID")).mtimeMs;
  return BUILD_INPUTS.some((p) => newestMtime(p) > built);
}

// Runs `next build` when there is no build, or an older one than the sources (minutes on a
// shared 2-core box).
export async function ensureWebBuild(timeoutMs = 20 * 60_000): Promise<void> {
  if (!isWebBuildStale()) return;
  const out: string[] = [];
  const child = spawn(process.execPath, [NEXT_BIN, "build"], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d: Buffer) => out.push(d.toString()));
  child.stderr.on("data", (d: Buffer) => out.push(d.toString()));
  const code = await waitExit(child, timeoutMs);
  if (code !== 0) {
    throw new Error(
      `next build failed (exit ${code}):\n${out.join("").split("\n").slice(-40).join("\n")}`,
    );
  }
}

// Starts `next start` with `env` and waits until /api/health answers.
export async function startWebServer(opts: StartWebServerOptions): Promise<WebServer> {
  if (!hasWebBuild()) {
    throw new Error("services/web has no production build: run `npm run build -w @efs/web` first");
  }
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const child = spawn(
    process.execPath,
    [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: WEB_DIR,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        ...opts.env,
        NEXT_PUBLIC_APP_URL: url,
        PORT: String(port),
      } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const collect = (d: Buffer) => {
    for (const line of d.toString().split("\n")) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 500) lines.shift();
      opts.onLine?.(line);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const server: WebServer = {
    url,
    port,
    logTail: (n = 40) => lines.slice(-n).join("\n"),
    stop: () => stopGroup(child),
  };
  try {
    await waitReady(child, `${url}/api/health`, opts.readyTimeoutMs ?? 120_000);
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n--- next start output ---\n${server.logTail()}`);
  }
  return server;
}

async function waitReady(child: ChildProcess, healthUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}`);
    try {
      const res = await fetch(healthUrl, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`next start did not answer ${healthUrl} within ${timeoutMs} ms`);
}

// SIGTERM to the whole process group, SIGKILL after 10 s; resolves once the leader exited.
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signal("SIGKILL");
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}

export { freePort };
