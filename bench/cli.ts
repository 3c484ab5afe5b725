// Startup benchmark: `efs --help` and `efs env ls` (temp vault) against `vercel --help`
// (npm vercel@58.10.0, installed on first run into .efs/bench-cache). Interleaved runs,
// median of N (BENCH_RUNS, default 15). Children run under SCHED_FIFO (`chrt -f 50`) when
// permitted, so other load on a shared box does not dominate (BENCH_RT=0 turns it off).
// Last line is machine-readable:
//   efs_help_ms=<n> efs_env_ls_ms=<n> vercel_help_ms=<n> ratio=<efs_help/vercel_help>
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const VERCEL_VERSION = "58.10.0";
const CACHE = join(ROOT, ".efs/bench-cache");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

function vercelBin(): string {
  const pkgDir = join(CACHE, "node_modules/vercel");
  const pkgFile = join(pkgDir, "package.json");
  const installed =
    existsSync(pkgFile) &&
    (JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string }).version;
  if (installed !== VERCEL_VERSION) {
    log(`installing vercel@${VERCEL_VERSION} into ${CACHE} (first run only)…`);
    mkdirSync(CACHE, { recursive: true });
    execFileSync(
      "npm",
      [
        "install",
        "--prefix",
        CACHE,
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `vercel@${VERCEL_VERSION}`,
      ],
      {
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
  }
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { bin: string | Record<string, string> };
  const rel = typeof pkg.bin === "string" ? pkg.bin : (pkg.bin.vercel ?? pkg.bin.vc ?? "");
  return join(pkgDir, rel);
}

// `chrt -f 50` when it exists and is permitted here, else nothing.
function realtimePrefix(): string[] {
  if (process.env.BENCH_RT === "0") return [];
  const probe = spawnSync("chrt", ["-f", "50", "true"], { stdio: "ignore" });
  return probe.status === 0 ? ["chrt", "-f", "50"] : [];
}

const PREFIX = realtimePrefix();

function timeOnce(args: string[], env: NodeJS.ProcessEnv): number {
  const [cmd, ...rest] = [...PREFIX, process.execPath, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd ?? process.execPath, rest, {
    env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function main(): void {
  if (!process.argv.includes("--no-build")) {
    log("building efs (npm run build)…");
    execFileSync("npm", ["run", "-s", "build"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const efs = join(ROOT, "bin/efs.js");
  const vercel = vercelBin();
  const work = mkdtempSync(join(tmpdir(), "efs-bench-"));
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: work,
      XDG_CONFIG_HOME: join(work, "config"),
      NO_COLOR: "1",
      CI: "true",
      EFS_VAULT_KEY: randomBytes(32).toString("base64"),
      VERCEL_TELEMETRY_DISABLED: "1",
      NO_UPDATE_NOTIFIER: "1",
    };
    const project = join(work, "project");
    mkdirSync(project);
    writeFileSync(
      join(project, "seed.env"),
      `INTERNAL_WEBHOOK_SECRET=${randomBytes(32).toString("hex")}\nR2_BUCKET_NAME=efs-bench\nTURSO_AUTH_TOKEN=${randomBytes(24).toString("base64url")}\n`,
    );
    execFileSync(process.execPath, [efs, "--cwd", project, "env", "import", "seed.env"], {
      env,
      stdio: "ignore",
    });
    const cases = {
      efs_help: [efs, "--help"],
      efs_env_ls: [efs, "--cwd", project, "env", "ls"],
      vercel_help: [vercel, "--help"],
    } as const;
    const times: Record<keyof typeof cases, number[]> = {
      efs_help: [],
      efs_env_ls: [],
      vercel_help: [],
    };
    for (const args of Object.values(cases)) timeOnce([...args], env); // warm the file cache
    for (let i = 0; i < RUNS; i++) {
      for (const [name, args] of Object.entries(cases) as [
        keyof typeof cases,
        readonly string[],
      ][]) {
        times[name].push(timeOnce([...args], env));
      }
    }
    for (const [name, xs] of Object.entries(times)) {
      log(
        `${name.padEnd(12)} median ${median(xs).toFixed(1)} ms  min ${Math.min(...xs).toFixed(1)}  max ${Math.max(...xs).toFixed(1)}  (n=${xs.length})`,
      );
    }
    const help = median(times.efs_help);
    const ls = median(times.efs_env_ls);
    const vh = median(times.vercel_help);
    log(
      `node ${process.version}; vercel ${VERCEL_VERSION} at ${dirname(vercel)}; scheduling: ${PREFIX.length ? "SCHED_FIFO (chrt -f 50)" : "default"}`,
    );
    process.stdout.write(
      `efs_help_ms=${Math.round(help)} efs_env_ls_ms=${Math.round(ls)} vercel_help_ms=${Math.round(vh)} ratio=${(help / vh).toFixed(2)}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
