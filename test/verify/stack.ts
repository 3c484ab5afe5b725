// A whole healthy emulated production stack for verify/push/rotate tests: provider
// emulations over real HTTP, SeaweedFS as R2, a libsql file as Turso, a small web app
// speaking the health + webhook contract, a Modal submit endpoint, fake CLIs, and a vault
// holding every value. Knobs break one thing at a time.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { openJobStore } from "@efs/core/jobs/store";
import { checkWebhookAuth } from "@efs/core/webhook-auth";
import { CHECKLIST_NAMES } from "../../src/checklist/names";
import { uploadRetentionRule } from "../../src/checklist/r2";
import { Vault } from "../../src/vault/vault";
import { type S3TestServer, startS3Server } from "../../test-support/s3-server";
import { DEFAULT_R2_RULE } from "../emulators/cloudflare";
import { seedRenderService } from "../emulators/render";
import { type EmulatorServer, startEmulatorServer } from "../emulators/server";
import { TEST_CREDENTIALS as C, type EmulatorState, newId } from "../emulators/state";
import { createWorld } from "../emulators/world";
import { createFakes, type Fakes } from "../fakes/fakes";
import { type RunResult, runEfsInProcess, type Sandbox, sandbox } from "../helpers/cli";
import { registerSecret, testSecret, testToken } from "../helpers/leak-record";

/** One S3 server per test file (SeaweedFS takes seconds to start). */
export interface SharedS3 {
  s3: S3TestServer;
  // The R2-shaped key pair (secret = 64 hex, like sha256 of a token value).
  r2: { accessKey: string; secretKey: string };
  // A key pair allowed only on another bucket (the "scoped token" case).
  scoped: { accessKey: string; secretKey: string };
}

// Starts SeaweedFS with `bucket` and an extra identity scoped to bucket "other-bucket".
export async function startSharedS3(bucket = "efs-media"): Promise<SharedS3> {
  const scoped = { accessKey: "AKSCOPED0001", secretKey: testSecret(64) };
  const r2 = { accessKey: "AKR2TOKEN0001", secretKey: testSecret(64) };
  const s3 = await startS3Server({
    bucket,
    extraIdentities: [
      { name: "r2", ...r2, actions: ["Read", "Write", "List", "Tagging"] },
      {
        name: "scoped",
        ...scoped,
        actions: ["Read:other-bucket", "Write:other-bucket", "List:other-bucket"],
      },
    ],
  });
  registerSecret(s3.secretAccessKey);
  return { s3, r2, scoped };
}

/** Knobs of the fake web app and Modal endpoint. */
export interface AppKnobs {
  // The secret the deployed app holds (default: the vault's).
  webhookSecrets: string[];
  // When set, wins over webhookSecrets (e.g. "what the last Vercel deployment holds").
  secretsFrom?: () => string[];
  health: { db: string; storage: string; jobStore: string; storageBackend: string };
  modalStatus: number;
  // Inline script in the app's page (e.g. a console.error the browser check must catch).
  pageScript?: string;
  webhookCalls: { status: number }[];
}

export interface Stack {
  world: EmulatorState;
  server: EmulatorServer;
  fakes: Fakes;
  box: Sandbox;
  env: Record<string, string>;
  values: Record<string, string>;
  app: AppKnobs;
  appUrl: string;
  dbUrl: string;
  renderService: ReturnType<typeof seedRenderService>["service"];
  vault(): Vault;
  efs(args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  heartbeat(ageMs: number): Promise<void>;
  cleanup(): Promise<void>;
}

function startApp(knobs: AppKnobs): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/api/health") {
        const h = knobs.health;
        const ok = h.db === "ok" && h.storage === "ok";
        return send(ok ? 200 : 503, {
          version: "0.1.0",
          backends: { jobStore: h.jobStore, storage: h.storageBackend, renderer: "modal" },
          checks: { db: h.db, storage: h.storage },
        });
      }
      if (path === "/api/webhooks/worker" && req.method === "POST") {
        let jobId: string | null = null;
        try {
          jobId = (JSON.parse(body) as { jobId?: string }).jobId ?? null;
        } catch {}
        const auth = checkWebhookAuth(req.headers.authorization, {
          secrets: knobs.secretsFrom?.() ?? knobs.webhookSecrets,
          jobId,
        });
        const status = auth.ok ? 404 : 401;
        knobs.webhookCalls.push({ status });
        return auth.ok
          ? send(404, { error: { code: "not_found", message: `No job with id "${jobId}".` } })
          : send(401, { error: { code: "unauthorized", message: "Unauthorized." } });
      }
      if (path === "/modal/flame-ws--ethereal-submit" && req.method === "POST") {
        if (knobs.modalStatus === 404) {
          res.writeHead(404, { "content-type": "text/plain" });
          return res.end("modal-http: invalid function call");
        }
        return send(knobs.modalStatus, { error: "job_id test-ping: missing audio_url" });
      }
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end(
          `<!doctype html><title>Ethereal Flame Studio</title>${knobs.pageScript ? `<script>${knobs.pageScript}</script>` : ""}`,
        );
      }
      send(404, { error: { code: "not_found", message: "no route" } });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

// Builds a healthy stack: every provider holds exactly the vault's values.
export async function createStack(s3?: SharedS3): Promise<Stack> {
  // Without S3 (push/rotate tests), R2 values are well-formed but point nowhere.
  const shared: SharedS3 = s3 ?? {
    s3: { endpoint: "http://127.0.0.1:9" } as S3TestServer,
    r2: { accessKey: "AKR2TOKEN0001", secretKey: testSecret(64) },
    scoped: { accessKey: "AKSCOPED0001", secretKey: testSecret(64) },
  };
  const world = await createWorld();
  const server = await startEmulatorServer(world);
  const fakes = createFakes();
  const box = sandbox();
  const p = box.project;
  for (const v of [C.vercelToken, C.renderKey, C.githubToken, C.cloudflareToken]) registerSecret(v);
  const app: AppKnobs = {
    webhookSecrets: [],
    health: { db: "ok", storage: "ok", jobStore: "turso", storageBackend: "r2" },
    modalStatus: 400,
    webhookCalls: [],
  };
  const web = await startApp(app);
  const dbUrl = `file:${join(box.home, "jobs.db")}`;
  const store = await openJobStore({ url: dbUrl });
  store.close();

  const webhook = testSecret(64);
  app.webhookSecrets = [webhook];
  const values: Record<string, string> = {
    R2_ACCOUNT_ID: C.cloudflareAccountId,
    R2_ACCESS_KEY_ID: shared.r2.accessKey,
    R2_SECRET_ACCESS_KEY: shared.r2.secretKey,
    R2_BUCKET_NAME: "efs-media",
    TURSO_DATABASE_URL: dbUrl,
    TURSO_AUTH_TOKEN: testToken("eyJturso."),
    MODAL_ENDPOINT_URL: `${web.url}/modal/flame-ws--ethereal-submit`,
    MODAL_AUTH_TOKEN: testToken("modal_"),
    INTERNAL_WEBHOOK_SECRET: webhook,
    STUDIO_ACCESS_KEY: testToken("studio_"),
    NEXT_PUBLIC_APP_URL: web.url,
    VERCEL_TOKEN: C.vercelToken,
    VERCEL_ORG_ID: "user_flame01",
    VERCEL_PROJECT_ID: "prj_flame0001",
    RENDER_DEPLOY_HOOK_URL: "",
  };

  // Cloudflare: the bucket, with R2's default rule and efs's uploads/ retention rule.
  world.cloudflare.buckets.push({
    name: "efs-media",
    jurisdiction: "default",
    creation_date: new Date().toISOString(),
    location: "enam",
    storage_class: "Standard",
    lifecycle: [DEFAULT_R2_RULE, uploadRetentionRule(7)],
  });

  // Render: the worker, live, with the catalog's variables plus one of the user's own.
  const { service, hookUrl } = seedRenderService(
    world,
    CHECKLIST_NAMES.renderService,
    server.bases.renderHooks,
  );
  values.RENDER_DEPLOY_HOOK_URL = registerSecret(hookUrl.replace("http://", "https://"));
  service.deploys.push({
    id: newId("dep-", 10),
    status: "live",
    trigger: "api",
    createdAt: new Date().toISOString(),
  });
  const renderKeys = [
    "R2_ACCOUNT_ID",
    "R2_ACCESS_KEY_ID",
    "R2_SECRET_ACCESS_KEY",
    "R2_BUCKET_NAME",
    "TURSO_DATABASE_URL",
    "TURSO_AUTH_TOKEN",
    "MODAL_ENDPOINT_URL",
    "MODAL_AUTH_TOKEN",
    "INTERNAL_WEBHOOK_SECRET",
    "NEXT_PUBLIC_APP_URL",
  ];
  for (const k of renderKeys) service.env.set(k, values[k]!);
  service.env.set("STORAGE_BACKEND", "r2");

  // Vercel: the project, production alias = the fake app, production env.
  const now = Date.now();
  const vercelKeys = [...renderKeys, "STUDIO_ACCESS_KEY"];
  world.vercel.projects.push({
    id: values.VERCEL_PROJECT_ID!,
    name: CHECKLIST_NAMES.vercelProject,
    accountId: "user_flame01",
    framework: "nextjs",
    rootDirectory: "services/web",
    nodeVersion: "24.x",
    sourceFilesOutsideRootDirectory: true,
    alias: [new URL(web.url).host],
    envs: [
      ...vercelKeys.map((k) => [k, values[k]!] as const),
      ["DEPLOY_ENV", "production"] as const,
    ].map(([key, value], i) => ({
      id: `env_${i}${newId("", 4)}`,
      key,
      value,
      type: key.startsWith("NEXT_PUBLIC") || key === "DEPLOY_ENV" ? "plain" : "encrypted",
      target: ["production"],
      createdAt: now + i,
      updatedAt: now + i,
    })),
  });

  // GitHub: the deploy workflow's secrets.
  const secrets = world.github.repos.get(C.githubRepo)!.secrets;
  for (const k of ["VERCEL_TOKEN", "VERCEL_ORG_ID", "VERCEL_PROJECT_ID", "RENDER_DEPLOY_HOOK_URL"])
    secrets.set(k, { sealed: "x", updated_at: new Date(now).toISOString() });

  // Modal: the app is deployed.
  fakes.set("modal", { deploys: 1, secrets: {} });

  // The project: workflow file, git origin, vault.
  mkdirSync(join(p, ".github/workflows"), { recursive: true });
  writeFileSync(
    join(p, ".github/workflows/deploy.yml"),
    "name: deploy\non:\n  push:\n    branches: [main]\njobs: {}\n",
  );
  mkdirSync(join(p, ".vercel"), { recursive: true });
  writeFileSync(
    join(p, ".vercel/project.json"),
    JSON.stringify({ projectId: values.VERCEL_PROJECT_ID, orgId: "user_flame01" }),
  );
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: p });
  execFileSync("git", ["remote", "add", "origin", `https://github.com/${C.githubRepo}.git`], {
    cwd: p,
  });
  const vaultKey = testSecret(64);
  const env: Record<string, string> = {
    ...box.env,
    ...fakes.env(box.env.PATH),
    ...server.env,
    EFS_VAULT_KEY: vaultKey,
    EFS_HTTP_BASE_DELAY_MS: "5",
    EFS_R2_ENDPOINT: shared.s3.endpoint,
    CLOUDFLARE_API_TOKEN: C.cloudflareToken,
    VERCEL_TOKEN: C.vercelToken,
    RENDER_API_KEY: C.renderKey,
    GITHUB_TOKEN: C.githubToken,
    MODAL_TOKEN_ID: registerSecret("ak-modalid0123456789"),
    MODAL_TOKEN_SECRET: registerSecret("as-modalsecret0123456789abcdef"),
  };
  const vault = () => new Vault({ root: p, keys: { env: { EFS_VAULT_KEY: vaultKey } } });
  await vault().update((d) => {
    for (const [k, v] of Object.entries(values)) d.set(k, v);
  });
  const heartbeat = async (ageMs: number) => {
    const s = await openJobStore({ url: dbUrl, now: () => Date.now() - ageMs });
    await s.recordWorkerHeartbeat({
      workerId: "worker-1",
      version: "0.1.0",
      startedAt: Date.now() - ageMs,
    });
    s.close();
  };
  await heartbeat(1_000);
  return {
    world,
    server,
    fakes,
    box,
    env,
    values,
    app,
    appUrl: web.url,
    dbUrl,
    renderService: service,
    vault,
    efs: (args, extraEnv = {}) =>
      runEfsInProcess(["--cwd", p, ...args], { env: { ...env, ...extraEnv }, cwd: p }),
    heartbeat,
    cleanup: async () => {
      web.server.closeAllConnections();
      await new Promise((r) => web.server.close(r));
      await server.close();
      fakes.cleanup();
      box.cleanup();
    },
  };
}
