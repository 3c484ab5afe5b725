// The web app built by the real Vercel CLI (`vercel build --prod --yes`, offline) with the
// project settings `efs init` applies, then its output checked: every function on nodejs24.x,
// the API functions carrying @libsql/client and the AWS SDK their routes import, and one API
// function run from its traced files alone on Node 24 against a real libSQL server (sqld) and
// a real S3 server (SeaweedFS). Runs under vitest.tools.config.ts (tools from .ci/tools).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { openJobStore } from "@efs/core/jobs/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vercelProjectJson } from "../../src/checklist/vercel-project";
import { node24, REPO_ROOT, vercelCli } from "../../test-support/ci-tools";
import { type S3TestServer, startS3Server } from "../../test-support/s3-server";
import { type SqldServer, startSqld } from "../../test-support/sqld";
import { freePort, stopGroup } from "../../test-support/web-server";

const VERCEL_DIR = join(REPO_ROOT, ".vercel");
const PROJECT_JSON = join(VERCEL_DIR, "project.json");
const BACKUP = join(VERCEL_DIR, "project.json.efs-test-backup");
const OUTPUT = join(VERCEL_DIR, "output");
const FUNCTIONS = join(OUTPUT, "functions");

interface VcConfig {
  runtime: string;
  handler: string;
  filePathMap?: Record<string, string>;
}

// Every *.func entry under functions/, with the real directory it points to.
function functions(dir = FUNCTIONS): { route: string; dir: string }[] {
  const out: { route: string; dir: string }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.name.endsWith(".func")) out.push({ route: relative(FUNCTIONS, p), dir: realpathSync(p) });
    else if (e.isDirectory()) out.push(...functions(p));
  }
  return out;
}

const vcConfig = (dir: string) =>
  JSON.parse(readFileSync(join(dir, ".vc-config.json"), "utf8")) as VcConfig;

let buildLog = "";
beforeAll(async () => {
  // A linked project of the developer's is set aside and restored afterwards.
  if (existsSync(PROJECT_JSON)) renameSync(PROJECT_JSON, BACKUP);
  mkdirSync(VERCEL_DIR, { recursive: true });
  writeFileSync(
    PROJECT_JSON,
    JSON.stringify(vercelProjectJson({ projectId: "prj_efsci", orgId: "team_efsci" })),
  );
  const node = node24();
  try {
    const r = await promisify(execFile)(node, [vercelCli(), "build", "--prod", "--yes"], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PATH: `${dirname(node)}:${process.env.PATH}`,
        VERCEL_TELEMETRY_DISABLED: "1",
        NEXT_TELEMETRY_DISABLED: "1",
        VERCEL_TOKEN: "",
      },
      timeout: 540_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    buildLog = r.stdout + r.stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `vercel build failed: ${err.message}\n${`${err.stdout ?? ""}${err.stderr ?? ""}`.slice(-4000)}`,
    );
  }
}, 600_000);

afterAll(() => {
  if (existsSync(BACKUP)) renameSync(BACKUP, PROJECT_JSON);
  else rmSync(PROJECT_JSON, { force: true });
});

describe("vercel build of services/web with the settings efs init applies", () => {
  it("builds with Vercel CLI 58 for production", () => {
    expect(buildLog).toMatch(/Vercel CLI 58\.10\.0/);
    expect(buildLog).toContain("Build Completed in .vercel/output");
    expect(buildLog).not.toContain("is discontinued");
  });

  it("puts every function on nodejs24.x", () => {
    const all = functions();
    expect(all.length).toBeGreaterThan(10);
    const runtimes = new Map(all.map((f) => [f.route, vcConfig(f.dir).runtime]));
    expect([...new Set(runtimes.values())]).toEqual(["nodejs24.x"]);
  });

  it("traces @libsql/client and the AWS SDK into each API function whose route imports them", () => {
    const api = functions().filter(
      (f) => f.route.startsWith("api/") && !f.route.endsWith(".rsc.func"),
    );
    expect(api.map((f) => f.route).sort()).toEqual(
      expect.arrayContaining(["api/health.func", "api/jobs.func", "api/uploads.func"]),
    );
    const importing: string[] = [];
    for (const f of api) {
      // What the route imports, from Next's own trace of it.
      const route = f.route.replace(/\.func$/, "");
      const nft = join(REPO_ROOT, "services/web/.next/server/app", route, "route.js.nft.json");
      const traced = (JSON.parse(readFileSync(nft, "utf8")) as { files: string[] }).files
        .map((p) => relative(REPO_ROOT, resolve(dirname(nft), p)))
        .filter((p) => /^node_modules\/(@libsql\/(client|core|hrana-client)|@aws-sdk\/)/.test(p));
      if (traced.length === 0) continue;
      importing.push(route);
      const shipped = new Set(Object.keys(vcConfig(f.dir).filePathMap ?? {}));
      const missing = traced.filter((p) => !shipped.has(p));
      expect(missing, `${route}: traced by Next, absent from the function`).toEqual([]);
      for (const entry of [
        "node_modules/@libsql/client/package.json",
        "node_modules/@libsql/hrana-client/package.json",
        "node_modules/@aws-sdk/client-s3/package.json",
        "node_modules/@aws-sdk/s3-request-presigner/package.json",
      ])
        expect(shipped.has(entry), `${route}: ${entry}`).toBe(true);
    }
    // The job store and storage are behind every studio route: the detection found them.
    expect(importing).toEqual(expect.arrayContaining(["api/health", "api/jobs", "api/uploads"]));
  });
});

describe("an API function from its traced files alone, on Node 24", () => {
  let root: string;
  let sqld: SqldServer;
  let s3: S3TestServer;
  let child: ChildProcess | undefined;
  let url: string;
  let log = "";
  const ACCESS_KEY = "ci-access-key-0123456789abcdef";

  beforeAll(async () => {
    [sqld, s3] = await Promise.all([startSqld(), startS3Server()]);
    // Lay the function out as Vercel ships it: the files its filePathMap names (symlinks
    // kept), plus the function directory itself; nothing else from the repository.
    const fn = realpathSync(join(FUNCTIONS, "api/health.func"));
    const cfg = vcConfig(fn);
    root = await mkdtemp(join(tmpdir(), "efs-vercel-fn-"));
    for (const [dest, src] of Object.entries(cfg.filePathMap ?? {})) {
      const to = join(root, dest);
      mkdirSync(dirname(to), { recursive: true });
      const from = join(REPO_ROOT, src);
      if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
      else copyFileSync(from, to);
    }
    const copyDir = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) copyDir(p);
        else if (e.name !== ".vc-config.json") {
          const to = join(root, relative(fn, p));
          mkdirSync(dirname(to), { recursive: true });
          copyFileSync(p, to);
        }
      }
    };
    copyDir(fn);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const launcher = join(root, cfg.handler);
    child = spawn(
      node24(),
      [
        "-e",
        `require("node:http").createServer(require(${JSON.stringify(launcher)})).listen(${port}, "127.0.0.1")`,
      ],
      {
        cwd: root,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: "/usr/bin:/bin",
          DEPLOY_ENV: "production",
          TURSO_DATABASE_URL: sqld.url,
          TURSO_AUTH_TOKEN: sqld.token,
          S3_ENDPOINT_URL: s3.endpoint,
          R2_ACCESS_KEY_ID: s3.accessKeyId,
          R2_SECRET_ACCESS_KEY: s3.secretAccessKey,
          R2_BUCKET_NAME: s3.bucket,
          MODAL_ENDPOINT_URL: "https://flame-ws--ethereal-submit.modal.run",
          MODAL_AUTH_TOKEN: "modal-auth-token-0123456789abcdef",
          INTERNAL_WEBHOOK_SECRET: "a".repeat(64),
          STUDIO_ACCESS_KEY: ACCESS_KEY,
          NEXT_PUBLIC_APP_URL: url,
        },
      },
    );
    child.stdout?.on("data", (d) => (log += d));
    child.stderr?.on("data", (d) => (log += d));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the function exited:\n${log}`);
      try {
        await fetch(`${url}/api/session`, { signal: AbortSignal.timeout(5_000) });
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`the function did not answer:\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, 180_000);

  afterAll(async () => {
    if (child) await stopGroup(child, 5_000);
    await Promise.all([sqld?.stop(), s3?.stop()]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("reports Turso and R2 reachable: the libsql:// client and the AWS SDK load and connect", async () => {
    const res = await fetch(`${url}/api/health`);
    const body = await res.json();
    expect(body, log).toMatchObject({
      backends: { jobStore: "turso", storage: "r2" },
      checks: { db: "ok", storage: "ok" },
    });
    expect(res.status).toBe(200);
  });

  it("lists a job the worker side wrote to the same database", async () => {
    const store = await openJobStore({ url: sqld.url, authToken: sqld.token });
    const job = await store.create({ type: "ingest", payload: { url: "https://example.com/x" } });
    store.close();
    const unlock = await fetch(`${url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: ACCESS_KEY }),
    });
    expect(unlock.status).toBe(200);
    const cookie = unlock.headers.get("set-cookie")!.split(";")[0]!;
    const list = await fetch(`${url}/api/jobs`, { headers: { cookie } });
    expect(list.status, log).toBe(200);
    expect(JSON.stringify(await list.json())).toContain(job.id);
  });
});
