// Claim throughput and correctness across worker PROCESSES sharing one libsql file.
//
//   npm run bench:claims -- --workers 4 --jobs 2000
//
// Seeds N jobs in a fresh local database, starts W worker processes (this file with
// --child), releases them together, and each loops claim → complete until the queue is
// empty, remembering every job it was handed. After the run the parent loads those
// reports into a `bench_runs` table and verifies from the database: a job handed out twice
// shows as two runs (even though the second completion would be refused), and the store's
// own history must agree (status complete, attempts = 1). Recording runs after the timed
// part keeps the measurement to the store's two writes per job. Last line:
//   claims/s=<n> duplicates=<n> lost=<n>
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Client, createClient } from "@libsql/client";
import { openJobStore } from "../src/jobs/store";

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "4" },
    jobs: { type: "string", default: "2000" },
    child: { type: "boolean", default: false },
    db: { type: "string" },
    owner: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

if (values.child) await child(String(values.db), String(values.owner));
else await main(positiveInt("workers", values.workers), positiveInt("jobs", values.jobs));

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return n;
}

// One worker process: open, say "ready", wait for "go", drain the queue, report.
async function child(url: string, owner: string): Promise<void> {
  const store = await openJobStore({ url });
  await once(createInterface({ input: process.stdin }), "line", () => send({ ready: owner }));
  const start = performance.now();
  const cpu = process.cpuUsage();
  const runs: [string, number][] = [];
  let refused = 0;
  for (;;) {
    const job = await store.claim({ owner, leaseMs: 60_000 });
    if (!job) break;
    runs.push([job.id, job.attempts]);
    if (!(await store.complete(job.id, { owner }, { owner }))) refused++;
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  send({
    done: owner,
    claims: runs.length,
    refused,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    runs,
  });
  store.close();
}

function send(msg: object): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

function once(
  rl: ReturnType<typeof createInterface>,
  _ev: "line",
  before: () => void,
): Promise<void> {
  return new Promise((resolve) => {
    rl.once("line", () => {
      rl.close();
      resolve();
    });
    before();
  });
}

interface Done {
  done: string;
  claims: number;
  refused: number;
  ms: number;
  cpuMs: number;
  runs: [string, number][];
}

async function main(workers: number, jobs: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "efs-bench-claims-"));
  const url = `file:${join(dir, "efs.db")}`;
  const children: ReturnType<typeof spawn>[] = [];
  try {
    const store = await openJobStore({ url });
    const db = createClient({ url, timeout: 15_000, concurrency: 1 });
    await db.execute(
      "CREATE TABLE bench_runs (job_id TEXT NOT NULL, owner TEXT NOT NULL, attempt INTEGER NOT NULL)",
    );
    const seedStart = performance.now();
    for (let i = 0; i < jobs; i++) await store.create({ type: "ingest", payload: { i } });
    const seedMs = performance.now() - seedStart;
    store.close();

    const self = fileURLToPath(import.meta.url);
    const ready: Promise<void>[] = [];
    const finished: Promise<Done>[] = [];
    for (let w = 0; w < workers; w++) {
      const owner = `bench-w${w + 1}`;
      const proc = spawn(
        process.execPath,
        ["--import", "tsx", self, "--child", "--db", url, "--owner", owner],
        { stdio: ["pipe", "pipe", "inherit"] },
      );
      children.push(proc);
      const lines = createInterface({ input: proc.stdout });
      const exit = new Promise<number | null>((r) => proc.once("exit", r));
      ready.push(
        new Promise((resolve, reject) => {
          lines.once("line", () => resolve());
          exit.then((code) => reject(new Error(`${owner} exited early (code ${code})`)));
        }),
      );
      finished.push(
        new Promise((resolve, reject) => {
          lines.on("line", (l) => {
            const msg = JSON.parse(l) as Partial<Done>;
            if (msg.done) resolve(msg as Done);
          });
          exit.then((code) =>
            reject(new Error(`${owner} exited with code ${code} before reporting`)),
          );
        }),
      );
    }
    await Promise.all(ready);
    const start = performance.now();
    for (const c of children) c.stdin?.end("go\n");
    const reports = await Promise.all(finished);
    const wallMs = performance.now() - start;

    await recordRuns(db, reports);
    const v = await verify(db, jobs);
    db.close();
    const claims = reports.reduce((n, r) => n + r.claims, 0);
    const rate = Math.round(claims / (wallMs / 1000));
    const cpuMs = reports.reduce((n, r) => n + r.cpuMs, 0);
    console.log(`database        ${url}${values.keep ? " (kept)" : ""}`);
    console.log(
      `machine         ${cpus().length} cpus, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    console.log(`seeded          ${jobs} jobs in ${Math.round(seedMs)} ms`);
    console.log(`workers         ${workers} processes, released together`);
    for (const r of reports) {
      const perSec = Math.round(r.claims / (r.ms / 1000));
      console.log(
        `  ${r.done.padEnd(12)} ${String(r.claims).padStart(6)} claims  ${perSec}/s  cpu ${Math.round(r.cpuMs)} of ${Math.round(r.ms)} ms  refused completions ${r.refused}`,
      );
    }
    console.log(
      `wall            ${Math.round(wallMs)} ms for ${claims} claims (claim + complete each)`,
    );
    console.log(`cpu per claim   ${(cpuMs / claims).toFixed(2)} ms (all workers, user + system)`);
    console.log(
      `verified        completed=${v.completed} pending=${v.pending} other=${v.other} runs=${v.runs} retried=${v.retried}`,
    );
    console.log(`claims/s=${rate} duplicates=${v.duplicates} lost=${v.lost}`);
    process.exitCode = v.duplicates === 0 && v.lost === 0 ? 0 : 1;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
}

// Loads every worker's list of handed-out jobs into bench_runs (one row per claim).
async function recordRuns(db: Client, reports: readonly Done[]): Promise<void> {
  const rows = reports.flatMap((r) => r.runs.map(([id, attempt]) => [id, r.done, attempt]));
  for (let i = 0; i < rows.length; i += 500) {
    await db.batch(
      rows.slice(i, i + 500).map((args) => ({
        sql: "INSERT INTO bench_runs (job_id, owner, attempt) VALUES (?, ?, ?)",
        args: args as [string, string, number],
      })),
      "write",
    );
  }
}

// Reads the database: every seeded job complete, claimed once (one run, attempts = 1).
async function verify(db: Client, jobs: number) {
  const one = async (sql: string): Promise<number> =>
    Number((await db.execute(sql)).rows[0]?.n ?? 0);
  const extraRuns = await one(
    "SELECT COALESCE(SUM(c - 1), 0) AS n FROM (SELECT COUNT(*) AS c FROM bench_runs GROUP BY job_id HAVING c > 1)",
  );
  const retried = await one(
    "SELECT COALESCE(SUM(attempts - 1), 0) AS n FROM audio_prep_jobs WHERE attempts > 1",
  );
  const unrun = await one(
    "SELECT COUNT(*) AS n FROM audio_prep_jobs j WHERE NOT EXISTS (SELECT 1 FROM bench_runs r WHERE r.job_id = j.id)",
  );
  const completed = await one(
    "SELECT COUNT(*) AS n FROM audio_prep_jobs WHERE status = 'complete'",
  );
  const pending = await one("SELECT COUNT(*) AS n FROM audio_prep_jobs WHERE status = 'pending'");
  const total = await one("SELECT COUNT(*) AS n FROM audio_prep_jobs");
  const runs = await one("SELECT COUNT(*) AS n FROM bench_runs");
  return {
    duplicates: Math.max(extraRuns, retried),
    lost: Math.max(unrun, total - completed) + Math.max(0, jobs - total),
    completed,
    pending,
    other: total - completed - pending,
    runs,
    retried,
  };
}
