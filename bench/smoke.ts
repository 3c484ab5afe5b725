// Benchmark: cold `efs up --detach` (fresh data dir, free port, nothing running) to ready, then
// `efs smoke --target local` stage timings, then `efs down`. A stale or missing web build is
// built first, untimed (and the CLI bundle when dist/ is missing). Run: `npm run bench:smoke`.
// Last line is machine-readable:
//   up_ready_s=<n> smoke_total_s=<n> ingest_s=<n> render_s=<n>

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildWeb, webBuildReason } from "../src/handlers/up/build";
import { freePort } from "../src/handlers/up/port";

const ROOT = resolve(import.meta.dirname, "..");
const EFS = join(ROOT, "bin/efs.js");

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

function efs(args: string[], env: NodeJS.ProcessEnv): { code: number; stdout: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [EFS, ...args], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 1_200_000,
  });
  return { code: r.status ?? 128, stdout: r.stdout ?? "", ms: performance.now() - t0 };
}

if (!existsSync(join(ROOT, "dist/cli.js"))) {
  log("building the CLI first (untimed): npm run build");
  spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
}
const reason = webBuildReason(ROOT);
if (reason) {
  log(`building the web app first (untimed): ${reason}`);
  await buildWeb(ROOT, process.env, () => {}, new AbortController().signal);
}
const dataDir = mkdtempSync(join(tmpdir(), "efs-bench-smoke-"));
const env = { ...process.env, CI: "true", NO_COLOR: "1" };
const port = await freePort();
const common = ["--data-dir", dataDir];
let exit = 0;
try {
  const up = efs(["up", "--detach", "--no-build", "--port", String(port), ...common], env);
  if (up.code !== 0) throw new Error(`efs up failed (exit ${up.code})`);
  const upReady = up.ms / 1000;
  log(`efs up --detach ready in ${upReady.toFixed(1)} s`);
  const smoke = efs(["smoke", "--target", "local", "--json", ...common], env);
  const data = (JSON.parse(smoke.stdout.trim()) as { data: SmokeData }).data;
  for (const s of data.stages)
    log(`  ${s.id.padEnd(9)} ${s.status.padEnd(5)} ${s.seconds.toFixed(1)} s  ${s.detail}`);
  if (!data.ok) {
    exit = 1;
    log(`smoke failed at ${data.failedStage}`);
  }
  const sec = (id: string) => data.stages.find((s) => s.id === id)?.seconds ?? Number.NaN;
  console.log(
    `up_ready_s=${upReady.toFixed(1)} smoke_total_s=${data.totalSeconds.toFixed(1)} ingest_s=${sec("ingest").toFixed(1)} render_s=${sec("render").toFixed(1)}`,
  );
} finally {
  efs(["down", ...common], env);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = exit;

interface SmokeData {
  ok: boolean;
  failedStage: string | null;
  totalSeconds: number;
  stages: { id: string; status: string; seconds: number; detail: string }[];
}
