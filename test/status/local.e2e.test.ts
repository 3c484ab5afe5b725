// efs status against the studio `efs up --detach` runs (real next start, worker, renderer,
// libsql file, local storage): queue counts, heartbeats, processes and storage; after
// `efs down` it says the studio is not running and exits 1.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJobStore } from "@efs/core/jobs/store";
import { createLocalStorage } from "@efs/core/storage/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusSnapshot } from "../../src/handlers/status/types";
import { ensureWebBuild } from "../../test-support/web-server";
import {
  cleanEnv,
  efs,
  envelope,
  freePort,
  killAll,
  REPO,
  readState,
  statePids,
} from "../up/helpers";

let root: string;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let seen: number[] = [];

beforeAll(async () => {
  if (!existsSync(join(REPO, "dist/cli.js"))) {
    execFileSync(process.execPath, [join(REPO, "node_modules/tsup/dist/cli-default.js")], {
      cwd: REPO,
    });
  }
  await ensureWebBuild();
  root = await mkdtemp(join(tmpdir(), "efs-status-"));
  dataDir = join(root, "data");
  env = cleanEnv(root);
  const port = await freePort();
  const up = await efs(
    ["up", "--detach", "--no-build", "--port", String(port), "--data-dir", dataDir],
    { env, timeoutMs: 360_000 },
  );
  const state = readState(dataDir);
  if (state) seen = statePids(state);
  expect(up.code, up.stderr).toBe(0);
}, 1_200_000);

afterAll(async () => {
  if (dataDir && readState(dataDir)) await efs(["down", "--data-dir", dataDir], { env });
  killAll(seen);
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

const status = async (...args: string[]) =>
  efs(["status", "--data-dir", dataDir, ...args], { env, timeoutMs: 60_000 });

describe("efs status --target local", () => {
  it("shows the running studio: health, processes, queue, workers and storage", async () => {
    // Jobs the worker will not touch yet (run-after in an hour), and one that failed.
    const later = Date.now() + 3_600_000;
    const store = await openJobStore({ url: `file:${join(dataDir, "efs.db")}` });
    await store.create({ type: "ingest", payload: {}, runAfter: later });
    await store.create({ type: "preview", payload: {}, runAfter: later });
    store.close();
    const past = await openJobStore({
      url: `file:${join(dataDir, "efs.db")}`,
      now: () => Date.now() - 60_000,
    });
    const bad = await past.create({ type: "save", payload: {}, maxAttempts: 1 });
    await past.claim({ owner: "test", leaseMs: 60_000, types: ["save"] });
    await past.fail(bad.id, "recipe refers to a deleted track", { owner: "test" });
    past.close();
    const storage = createLocalStorage({
      root: join(dataDir, "storage"),
      signingSecret: "t".repeat(64),
      publicBaseUrl: "http://localhost:3000",
    });
    await storage.put("uploads/u1/song.wav", "w".repeat(2500));

    const r = await status("--json");
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const s = envelope<StatusSnapshot>(r).data;
    expect(s.healthy).toBe(true);
    expect(s.app).toMatchObject({ ok: true, checks: { db: "ok", storage: "ok" } });
    expect(s.app.backends).toEqual({ jobStore: "file", storage: "local", renderer: "local" });
    expect(s.processes?.map((p) => [p.name, p.alive])).toEqual([
      ["renderer", true],
      ["web", true],
      ["worker-1", true],
    ]);
    expect(s.workers).toMatchObject([{ id: "efs-up-worker-1", state: "live" }]);
    if (!s.jobs.ok) throw new Error(s.jobs.error);
    expect(s.jobs.counts).toEqual([
      { status: "failed", type: "save", count: 1 },
      { status: "pending", type: "ingest", count: 1 },
      { status: "pending", type: "preview", count: 1 },
    ]);
    expect(s.jobs.failedRecent.jobs).toMatchObject([{ error: "recipe refers to a deleted track" }]);
    if (!s.storage.ok) throw new Error(s.storage.error);
    expect(s.storage.prefixes.find((p) => p.prefix === "uploads/")).toEqual({
      prefix: "uploads/",
      objects: 1,
      bytes: 2500,
    });
    const human = await status();
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/processes renderer up · web up · worker-1 up/);
    expect(human.stdout).toMatch(/efs-up-worker-1 v\S+ last heartbeat \d+s ago — live/);
    expect(human.stdout).toMatch(/uploads\/ 1 \(2\.5 kB\)/);
  }, 120_000);

  it("after efs down: not running, exit 1, with the command that starts it", async () => {
    const down = await efs(["down", "--data-dir", dataDir], { env });
    expect(down.code).toBe(0);
    const r = await status("--json");
    expect(r.code).toBe(1);
    const s = envelope<StatusSnapshot>(r).data;
    expect(s.problems).toEqual([
      {
        what: `efs up is not running for ${dataDir} (no state file)`,
        fix: "efs up (or pass --data-dir / --url for another studio)",
      },
    ]);
    // The workers stopped cleanly, so none is left as a stale heartbeat.
    expect(s.workers).toEqual([]);
  }, 120_000);
});
