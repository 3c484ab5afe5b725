// efs verify against a healthy emulated stack, then each troubleshooting case broken in
// the emulation: the right check FAILs with the right cause, and nothing secret is printed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonEnvelope } from "../helpers/cli";
import { createStack, type SharedS3, type Stack, startSharedS3 } from "./stack";

interface Check {
  service: string;
  id: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

let shared: SharedS3;
beforeAll(async () => {
  shared = await startSharedS3();
}, 120_000);
afterAll(async () => {
  await shared?.s3.stop();
});

async function verify(stack: Stack, service?: string, browser = false) {
  const res = await stack.efs(["--json", "verify", ...(service ? [service] : [])], {
    EFS_VERIFY_BROWSER: browser ? "1" : "0",
  });
  const env = JSON.parse(res.stdout) as JsonEnvelope & { data: { checks: Check[] } };
  return {
    res,
    checks: env.data.checks,
    byId: (id: string) => env.data.checks.find((c) => c.id === id),
  };
}

async function withStack(fn: (s: Stack) => Promise<void>) {
  const s = await createStack(shared);
  try {
    await fn(s);
  } finally {
    await s.cleanup();
  }
}

describe("efs verify", () => {
  it(
    "passes every check on a healthy stack and exits 0",
    () =>
      withStack(async (s) => {
        const { res, checks } = await verify(s, undefined, true);
        const notOk = checks.filter((c) => c.status !== "ok");
        expect(notOk).toEqual([]);
        expect(res.code).toBe(0);
        const ids = checks.map((c) => c.id);
        for (const id of [
          "vercel.console",
          "r2.list",
          "r2.probe",
          "r2.cors",
          "turso.query",
          "turso.schema",
          "modal.ping",
          "modal.status-url",
          "modal.app",
          "webhook.secret",
          "webhook.auth",
          "webhook.unknown-job",
          "vercel.project",
          "vercel.node",
          "vercel.url",
          "vercel.health",
          "vercel.env",
          "render.service",
          "render.deploy",
          "render.env",
          "render.heartbeat",
          "github.secrets",
          "github.workflow",
          "cross.turso_auth_token",
          "cross.internal_webhook_secret",
          "cross.deploy_env",
          "cross.storage_backend",
          "cross.whitespace",
          "cross.vercel-targets",
        ])
          expect(ids).toContain(id);
        // The webhook got a wrong token (401) and the right one (404 unknown job).
        expect(s.app.webhookCalls.map((c) => c.status)).toEqual([401, 404]);
        // The probe object was deleted again.
        expect(s.fakes.calls("modal").map((c) => c.argv.join(" "))).toEqual(["app list --json"]);
      }),
    120_000,
  );

  it(
    "diagnoses an R2 key scoped to another bucket as a token-scope problem",
    () =>
      withStack(async (s) => {
        await s.vault().update((d) => {
          d.set("R2_ACCESS_KEY_ID", shared.scoped.accessKey);
          d.set("R2_SECRET_ACCESS_KEY", shared.scoped.secretKey);
        });
        const { res, byId } = await verify(s, "r2");
        expect(res.code).toBe(1);
        expect(byId("r2.list")?.status).toBe("fail");
        expect(byId("r2.list")?.detail).toContain("AccessDenied");
        expect(byId("r2.list")?.detail).toContain("not allowed on bucket efs-media");
        expect(byId("r2.list")?.fix).toContain("Bucket Item Write");
        expect(byId("r2.probe")?.detail).toMatch(/^put failed: AccessDenied/);
      }),
    120_000,
  );

  it(
    "explains SignatureDoesNotMatch as a secret that is not the SHA-256 of the token",
    () =>
      withStack(async (s) => {
        await s.vault().update((d) => d.set("R2_SECRET_ACCESS_KEY", "0".repeat(64)));
        const { byId } = await verify(s, "r2");
        expect(byId("r2.list")?.status).toBe("fail");
        expect(byId("r2.list")?.detail).toContain("SHA-256");
      }),
    120_000,
  );

  it(
    "fails a Vercel project on a discontinued Node.js version, naming the fix",
    () =>
      withStack(async (s) => {
        s.world.vercel.projects[0]!.nodeVersion = "20.x";
        const { res, byId } = await verify(s, "vercel");
        expect(res.code).toBe(1);
        expect(byId("vercel.node")).toMatchObject({
          status: "fail",
          detail: expect.stringContaining(
            "Node.js 20.x is discontinued on Vercel (since 2026-10-01)",
          ),
          fix: expect.stringContaining("efs init --only vercel --force-step vercel"),
        });
        s.world.vercel.projects[0]!.nodeVersion = "22.x";
        const older = await verify(s, "vercel");
        expect(older.byId("vercel.node")).toMatchObject({ status: "warn" });
        expect(older.byId("vercel.node")?.detail).toContain("24.x");
      }),
    120_000,
  );

  it(
    "fails the cross-check when Render holds a different Turso token",
    () =>
      withStack(async (s) => {
        s.renderService.env.set("TURSO_AUTH_TOKEN", "eyJother.token-on-render");
        const { res, byId } = await verify(s, "render");
        expect(res.code).toBe(1);
        const c = byId("cross.turso_auth_token");
        expect(c?.status).toBe("fail");
        expect(c?.detail).toContain("the render value differs from the vault");
        expect(c?.fix).toContain("efs env push");
        expect(res.stdout).not.toContain("eyJother.token-on-render");
      }),
    120_000,
  );

  it(
    "finds a trailing newline in the webhook secret stored on Vercel",
    () =>
      withStack(async (s) => {
        const e = s.world.vercel.projects[0]!.envs.find(
          (x) => x.key === "INTERNAL_WEBHOOK_SECRET",
        )!;
        e.value = `${s.values.INTERNAL_WEBHOOK_SECRET}\n`;
        const { res, byId } = await verify(s, "vercel");
        expect(res.code).toBe(1);
        expect(byId("cross.internal_webhook_secret")?.detail).toContain("trailing newline");
        expect(byId("cross.whitespace")?.detail).toContain(
          "INTERNAL_WEBHOOK_SECRET on vercel ends with a newline",
        );
      }),
    120_000,
  );

  it(
    "fails render.heartbeat when the worker's last heartbeat is stale",
    () =>
      withStack(async (s) => {
        await s.heartbeat(60 * 60_000);
        const { res, byId } = await verify(s, "render");
        expect(res.code).toBe(1);
        expect(byId("render.heartbeat")?.status).toBe("fail");
        expect(byId("render.heartbeat")?.detail).toMatch(/last heartbeat \d+ s ago .*not running/);
      }),
    120_000,
  );

  it(
    "fails modal.ping with the deploy fix when the endpoint answers 404",
    () =>
      withStack(async (s) => {
        s.app.modalStatus = 404;
        const { res, byId } = await verify(s, "modal");
        expect(res.code).toBe(1);
        expect(byId("modal.ping")?.detail).toContain("HTTP 404");
        expect(byId("modal.ping")?.fix).toContain("modal deploy");
      }),
    120_000,
  );

  it(
    "fails the webhook check when the deployed app holds another secret",
    () =>
      withStack(async (s) => {
        s.app.webhookSecrets = ["f".repeat(64)];
        const { byId } = await verify(s, "webhook");
        expect(byId("webhook.auth")?.status).toBe("ok");
        expect(byId("webhook.unknown-job")?.status).toBe("fail");
        expect(byId("webhook.unknown-job")?.fix).toContain(
          "efs env push --target vercel --redeploy",
        );
      }),
    120_000,
  );

  it(
    "flags DEPLOY_ENV missing from Production when it is set only for Preview",
    () =>
      withStack(async (s) => {
        const e = s.world.vercel.projects[0]!.envs.find((x) => x.key === "DEPLOY_ENV")!;
        e.target = ["preview"];
        s.app.health.jobStore = "file";
        const { byId } = await verify(s, "vercel");
        expect(byId("cross.vercel-targets")?.detail).toContain("DEPLOY_ENV (preview)");
        expect(byId("cross.deploy_env")?.status).toBe("fail");
        expect(byId("vercel.health")?.detail).toContain("job store is file, not turso");
      }),
    120_000,
  );

  it(
    "fails github checks for a missing secret and a workflow not on main",
    () =>
      withStack(async (s) => {
        s.world.github.repos.get("acme/flame-studio")!.secrets.delete("RENDER_DEPLOY_HOOK_URL");
        const { writeFileSync } = await import("node:fs");
        writeFileSync(
          `${s.box.project}/.github/workflows/deploy.yml`,
          "on:\n  push:\n    branches:\n      - develop\n",
        );
        const { byId } = await verify(s, "github");
        expect(byId("github.secrets")?.detail).toContain("RENDER_DEPLOY_HOOK_URL");
        expect(byId("github.workflow")?.status).toBe("fail");
      }),
    120_000,
  );

  it(
    "refuses an unknown service with a usage error",
    () =>
      withStack(async (s) => {
        const res = await s.efs(["verify", "nope"]);
        expect(res.code).toBe(2);
        expect(res.stderr).toContain("r2, turso, modal, webhook, vercel, render, github");
      }),
    60_000,
  );
});

describe("efs verify r2 CORS", () => {
  it(
    "fails r2.cors when the bucket's CORS rule does not allow the app origin",
    () =>
      withStack(async (s) => {
        const { DeleteBucketCorsCommand, PutBucketCorsCommand, S3Client } = await import(
          "@aws-sdk/client-s3"
        );
        const admin = new S3Client({
          endpoint: shared.s3.endpoint,
          region: shared.s3.region,
          forcePathStyle: true,
          credentials: {
            accessKeyId: shared.s3.accessKeyId,
            secretAccessKey: shared.s3.secretAccessKey,
          },
        });
        await admin.send(
          new PutBucketCorsCommand({
            Bucket: "efs-media",
            CORSConfiguration: {
              CORSRules: [
                { AllowedOrigins: ["https://elsewhere.example"], AllowedMethods: ["PUT"] },
              ],
            },
          }),
        );
        try {
          const { byId } = await verify(s, "r2");
          expect(byId("r2.cors")?.status).toBe("fail");
          expect(byId("r2.cors")?.fix).toContain("efs init --only r2");
          expect(byId("r2.list")?.status).toBe("ok");
        } finally {
          await admin.send(new DeleteBucketCorsCommand({ Bucket: "efs-media" }));
          admin.destroy();
        }
      }),
    120_000,
  );
});

describe("efs verify vercel in a browser", () => {
  it(
    "fails vercel.console when the production page logs an error",
    () =>
      withStack(async (s) => {
        s.app.pageScript = 'console.error("Missing environment variable: NEXT_PUBLIC_APP_URL")';
        const { res, byId } = await verify(s, "vercel", true);
        expect(res.code).toBe(1);
        expect(byId("vercel.console")?.status).toBe("fail");
        expect(byId("vercel.console")?.detail).toContain(
          "Missing environment variable: NEXT_PUBLIC_APP_URL",
        );
      }),
    120_000,
  );
});

describe("efs verify without provider credentials", () => {
  it(
    "warns naming the missing RENDER_API_KEY instead of failing the run",
    () =>
      withStack(async (s) => {
        const res = await s.efs(["--json", "verify", "render"], {
          RENDER_API_KEY: "",
          EFS_VERIFY_BROWSER: "0",
        });
        const checks = (JSON.parse(res.stdout) as { data: { checks: Check[] } }).data.checks;
        const service = checks.find((c) => c.id === "render.service");
        expect(service?.status).toBe("warn");
        expect(service?.detail).toContain("RENDER_API_KEY is not set");
        expect(service?.fix).toContain("export RENDER_API_KEY");
        // The heartbeat needs only the job store, so it still runs.
        expect(checks.find((c) => c.id === "render.heartbeat")?.status).toBe("ok");
        // Only warnings: the run exits 0 (WARN never fails verify).
        expect(checks.find((c) => c.id === "cross.storage_backend")?.status).toBe("warn");
        expect(res.code).toBe(0);
      }),
    120_000,
  );
});
