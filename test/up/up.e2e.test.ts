// `efs up --detach` → `efs smoke --target local` → `efs down` from the checkout, as a user runs
// them: real `next start`, worker, local renderer (Chromium + ffmpeg), libsql file and local
// storage in a temp data dir. Also: a second `efs up` is refused, a killed worker is reported
// and restarted, and nothing is left running afterwards.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild } from "../../test-support/web-server";
import {
  alive,
  cleanEnv,
  efs,
  envelope,
  freePort,
  killAll,
  portFree,
  REPO,
  readState,
  type StateFile,
  statePids,
  until,
} from "./helpers";

let root: string;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let port: number;
let seen: number[] = [];

beforeAll(async () => {
  if (!existsSync(join(REPO, "dist/cli.js"))) {
    execFileSync(process.execPath, [join(REPO, "node_modules/tsup/dist/cli-default.js")], {
      cwd: REPO,
    });
  }
  await ensureWebBuild();
  root = await mkdtemp(join(tmpdir(), "efs-up-"));
  dataDir = join(root, "data");
  env = cleanEnv(root);
  port = await freePort();
}, 1_200_000);

afterAll(async () => {
  if (dataDir && readState(dataDir)) await efs(["down", "--data-dir", dataDir], { env });
  killAll(seen);
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

const remember = (s: StateFile | null) => {
  if (s) seen = [...new Set([...seen, ...statePids(s)])];
  return s;
};

describe("efs up --detach / smoke / down", () => {
  it("starts the studio in the background and reports it ready with its URL", async () => {
    const r = await efs(
      ["up", "--detach", "--no-build", "--port", String(port), "--data-dir", dataDir, "--json"],
      { env, timeoutMs: 360_000 },
    );
    const state = remember(readState(dataDir));
    expect(r.code, r.stderr).toBe(0);
    const out = envelope<{ url: string; services: { name: string; ready: boolean }[] }>(r);
    expect(out.data.url).toBe(`http://localhost:${port}`);
    expect(out.data.services.map((s) => s.name)).toEqual(["renderer", "web", "worker-1"]);
    expect(state?.services.every((s) => s.ready && s.pid && alive(s.pid))).toBe(true);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    const secrets = await stat(join(dataDir, "secrets.json"));
    expect(secrets.mode & 0o777).toBe(0o600);
  }, 400_000);

  it("refuses a second efs up on the same data dir, naming the running one", async () => {
    const r = await efs(
      ["up", "--detach", "--no-build", "--port", String(port), "--data-dir", dataDir],
      {
        env,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`efs up is already running for ${dataDir}`);
    expect(r.stderr).toContain("efs down");
  }, 60_000);

  it("refuses to start on a port another program holds", async () => {
    const other = join(root, "other");
    const r = await efs(
      ["up", "--detach", "--no-build", "--port", String(port), "--data-dir", other],
      {
        env,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} is already in use`);
    expect(existsSync(join(other, "up-state.json"))).toBe(false);
  }, 60_000);

  it("reports a killed worker and restarts it", async () => {
    const before = readState(dataDir)!;
    const worker = before.services.find((s) => s.name === "worker-1")!;
    process.kill(-worker.pid!, "SIGKILL");
    await until(
      () => {
        const s = remember(readState(dataDir));
        const w = s?.services.find((x) => x.name === "worker-1");
        return !!w?.pid && w.pid !== worker.pid && w.restarts === 1 && alive(w.pid);
      },
      60_000,
      "worker-1 to be restarted",
    );
    const log = readFileSync(join(dataDir, "logs/up.log"), "utf8");
    expect(log).toMatch(/worker-1 killed by SIGKILL; restarting in [\d.]+ s \(restart #1\)/);
    const logs = await efs(["logs", "up", "--data-dir", dataDir], { env });
    expect(logs.stdout).toContain("worker-1 killed by SIGKILL");
    // The new worker heartbeats again (the smoke test below needs it to take jobs).
    await until(
      () =>
        readFileSync(join(dataDir, "logs/worker-1.log"), "utf8").split("[Worker] Started").length >
        2,
      60_000,
      "the restarted worker to start",
    );
  }, 150_000);

  it("passes every smoke stage against the local studio and cleans up", async () => {
    const r = await efs(["smoke", "--target", "local", "--data-dir", dataDir, "--json"], {
      env,
      timeoutMs: 900_000,
    });
    const out = envelope<{
      ok: boolean;
      stages: { id: string; status: string; detail: string }[];
      jobs: { ingest: string; render: string };
    }>(r);
    expect(
      out.data.stages.map((s) => [s.id, s.status]),
      JSON.stringify(out.data.stages, null, 1),
    ).toEqual([
      ["health", "pass"],
      ["session", "pass"],
      ["upload", "pass"],
      ["ingest", "pass"],
      ["playback", "pass"],
      ["render", "pass"],
      ["download", "pass"],
      ["cleanup", "pass"],
    ]);
    expect(r.code).toBe(0);
    expect(out.data.ok).toBe(true);
    const storage = join(dataDir, "storage");
    for (const p of [
      `uploads/${out.data.jobs.ingest}`,
      `audio/${out.data.jobs.ingest}`,
      `renders/${out.data.jobs.render}`,
    ]) {
      expect(existsSync(join(storage, p)), p).toBe(false);
    }
  }, 900_000);

  it("stops everything with efs down: recorded pids gone, port free, state removed", async () => {
    const state = remember(readState(dataDir))!;
    const r = await efs(["down", "--data-dir", dataDir, "--json"], { env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    for (const pid of statePids(state)) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(await portFree(port)).toBe(true);
    expect(await portFree(state.rendererPort)).toBe(true);
    expect(readState(dataDir)).toBeNull();
    // The scratch of workers and renderer (Chromium profiles, job folders) went with them.
    expect(existsSync(join(dataDir, "tmp"))).toBe(false);
    const again = await efs(["down", "--data-dir", dataDir], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("not running");
  }, 90_000);
});
