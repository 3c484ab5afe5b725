// `efs smoke --target production` against a web app configured like production
// (DEPLOY_ENV=production): R2 emulated by SeaweedFS (S3_ENDPOINT_URL), Turso by a libsql file
// URL, the local renderer in place of Modal, a locked studio (STUDIO_ACCESS_KEY) whose key
// smoke reads from the project's vault.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJobStore } from "@efs/core/jobs/store";
import { createStorage } from "@efs/core/storage/create";
import type { StorageOptions } from "@efs/core/storage/options";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3Server } from "../../test-support/s3-server";
import {
  ensureWebBuild,
  startWebServer,
  stopGroup,
  type WebServer,
} from "../../test-support/web-server";
import { cleanEnv, efs, envelope, freePort, REPO, until } from "../up/helpers";

const ACCESS_KEY = `studio-${randomBytes(12).toString("hex")}`;
let root: string;
let s3: S3TestServer;
let web: WebServer;
let worker: ChildProcess;
let renderer: ChildProcess;
const logs: string[] = [];

function start(name: string, file: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO, file), ...args], {
    cwd: REPO,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding("utf8").on("data", (d: string) => logs.push(`${name}: ${d}`));
  }
  return child;
}

async function vaultProject(name: string, key: string, vaultKey: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const env = cleanEnv(root, { EFS_VAULT_KEY: vaultKey });
  const child = spawn(
    process.execPath,
    [join(REPO, "bin/efs.js"), "env", "set", "STUDIO_ACCESS_KEY"],
    {
      cwd: dir,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin.end(key);
  const code = await new Promise<number | null>((r) => child.once("close", r));
  expect(code, stderr).toBe(0);
  return dir;
}

beforeAll(async () => {
  await ensureWebBuild();
  root = await mkdtemp(join(tmpdir(), "efs-smoke-prod-"));
  s3 = await startS3Server();
  const port = await freePort();
  const rendererPort = await freePort();
  const rendererUrl = `http://127.0.0.1:${rendererPort}`;
  const rendererToken = randomBytes(24).toString("hex");
  const prod: Record<string, string> = {
    DEPLOY_ENV: "production",
    NEXT_PUBLIC_APP_URL: `http://127.0.0.1:${port}`,
    STUDIO_ACCESS_KEY: ACCESS_KEY,
    INTERNAL_WEBHOOK_SECRET: randomBytes(32).toString("hex"),
    TURSO_DATABASE_URL: `file:${join(root, "turso.db")}`,
    STORAGE_BACKEND: "r2",
    S3_ENDPOINT_URL: s3.endpoint,
    R2_ACCESS_KEY_ID: s3.accessKeyId,
    R2_SECRET_ACCESS_KEY: s3.secretAccessKey,
    R2_BUCKET_NAME: s3.bucket,
    RENDER_BACKEND: "local",
    RENDERER_URL: rendererUrl,
    RENDERER_AUTH_TOKEN: rendererToken,
    MODAL_ENDPOINT_URL: `${rendererUrl}/submit`,
    MODAL_STATUS_URL: `${rendererUrl}/status`,
    MODAL_AUTH_TOKEN: rendererToken,
    EFS_DATA_DIR: join(root, "unused-local-data"),
  };
  const env = { ...cleanEnv(root), ...prod };
  renderer = start(
    "renderer",
    "services/renderer/src/cli.ts",
    ["serve", "--port", String(rendererPort)],
    env,
  );
  worker = start("worker", "services/worker/src/main.ts", [], {
    ...env,
    WORKER_POLL_MS: "500",
    WORKER_SHUTDOWN_GRACE_MS: "2000",
  });
  web = await startWebServer({ env: prod, port, onLine: (l) => logs.push(`web: ${l}`) });
  await until(() => logs.some((l) => l.includes("renderer listening")), 120_000, "the renderer");
  await until(() => logs.some((l) => l.includes("[Worker] Started")), 120_000, "the worker");
}, 1_200_000);

afterAll(async () => {
  if (worker) await stopGroup(worker);
  if (renderer) await stopGroup(renderer);
  await web?.stop();
  await s3?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

describe("efs smoke --target production", () => {
  it("unlocks with the vault's access key and passes every stage against R2 + Turso stand-ins", async () => {
    const vaultKey = randomBytes(32).toString("hex");
    const project = await vaultProject("project", ACCESS_KEY, vaultKey);
    const r = await efs(["smoke", "--target", "production", "--url", web.url, "--json"], {
      cwd: project,
      env: cleanEnv(root, { EFS_VAULT_KEY: vaultKey }),
      timeoutMs: 900_000,
    });
    const out = envelope<{ stages: { id: string; status: string; detail: string }[]; ok: boolean }>(
      r,
    );
    const stages = JSON.stringify(out.data.stages, null, 1);
    expect(
      out.data.stages.every((s) => s.status === "pass"),
      `${stages}\n${logs.slice(-40).join("")}`,
    ).toBe(true);
    expect(out.data.stages.map((s) => s.id)).toEqual([
      "health",
      "session",
      "upload",
      "ingest",
      "playback",
      "render",
      "download",
      "cleanup",
    ]);
    expect(out.data.stages.find((s) => s.id === "health")?.detail).toContain(
      "jobs turso, storage r2",
    );
    expect(out.data.stages.find((s) => s.id === "session")?.detail).toBe(
      "unlocked with STUDIO_ACCESS_KEY",
    );
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(ACCESS_KEY);
    // No trace in the studio it tested: no job left to list, no object left in the bucket.
    const jobs = await openJobStore({ url: `file:${join(root, "turso.db")}` });
    try {
      expect((await jobs.list({})).jobs).toEqual([]);
    } finally {
      jobs.close();
    }
    const bucket = await createStorage({
      backend: "r2",
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    } as StorageOptions);
    const left: string[] = [];
    for (const prefix of ["uploads/", "audio/", "renders/", "previews/"]) {
      for await (const o of bucket.list(prefix)) left.push(o.key);
    }
    expect(left).toEqual([]);
  }, 900_000);

  it("fails the session stage with exit 11 and names the check when the vault's key is wrong", async () => {
    const vaultKey = randomBytes(32).toString("hex");
    const project = await vaultProject(
      "wrong-key",
      `wrong-${randomBytes(8).toString("hex")}`,
      vaultKey,
    );
    const r = await efs(["smoke", "--target", "production", "--url", web.url, "--no-render"], {
      cwd: project,
      env: cleanEnv(root, { EFS_VAULT_KEY: vaultKey }),
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(11);
    expect(r.stdout).toMatch(/session\s+FAIL/);
    expect(r.stdout).toMatch(/upload\s+skip/);
    expect(r.stdout).toContain("STUDIO_ACCESS_KEY in the vault differs from the one on Vercel");
    expect(r.stdout).toContain("next: efs verify vercel");
  }, 150_000);
});
