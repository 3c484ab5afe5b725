// efs rotate against the emulated stack. The web app accepts what its last Vercel
// deployment holds; the worker signs with what its last Render deployment holds. A rotation
// stopped after any step and resumed must end consistent, and at every point in between the
// worker's webhook must be accepted (no lost completion).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import type { JsonEnvelope } from "../helpers/cli";
import { registerSecret } from "../helpers/leak-record";
import { createStack, type Stack } from "../verify/stack";

let s: Stack;
// Secrets the app accepts (as of its last deploy) and the one the worker uses.
let appSecrets: () => string[];
let workerSecret: () => string;

function deployedSnapshots(stack: Stack) {
  const project = stack.world.vercel.projects[0]!;
  const vercelKeys = ["INTERNAL_WEBHOOK_SECRET", "INTERNAL_WEBHOOK_SECRET_PREVIOUS"];
  const take = () => project.envs.filter((e) => vercelKeys.includes(e.key)).map((e) => e.value);
  let seenDeploys = stack.world.vercel.deployments.length;
  let app = take();
  let seenRender = stack.renderService.deploys.length;
  let worker = stack.renderService.env.get("INTERNAL_WEBHOOK_SECRET")!;
  appSecrets = () => {
    if (stack.world.vercel.deployments.length !== seenDeploys) {
      seenDeploys = stack.world.vercel.deployments.length;
      app = take();
    }
    return app;
  };
  workerSecret = () => {
    if (stack.renderService.deploys.length !== seenRender) {
      seenRender = stack.renderService.deploys.length;
      worker = stack.renderService.env.get("INTERNAL_WEBHOOK_SECRET")!;
    }
    return worker;
  };
  stack.app.secretsFrom = appSecrets;
}

// The worker reports a (unknown) job: 404 means its token was accepted, 401 means lost.
async function workerWebhookStatus(stack: Stack): Promise<number> {
  const res = await fetch(`${stack.appUrl}/api/webhooks/worker`, {
    method: "POST",
    headers: { authorization: `Bearer ${workerSecret()}`, "content-type": "application/json" },
    body: JSON.stringify({ jobId: "job-in-flight", status: "complete", result: {} }),
  });
  return res.status;
}

beforeEach(async () => {
  s = await createStack();
  deployedSnapshots(s);
});
afterEach(async () => {
  await s.cleanup();
});

const STEPS = [
  "create",
  "store",
  "push:vercel",
  "redeploy:vercel",
  "push:render",
  "redeploy:render",
  "verify",
  "retire",
  "redeploy-after-retire:vercel",
];

async function expectConsistent(stack: Stack, old: string) {
  const state = await stack.vault().read();
  const now = state.get("INTERNAL_WEBHOOK_SECRET")!;
  expect(now).not.toBe(old);
  expect(now).toMatch(/^[0-9a-f]{64}$/);
  const vercel = stack.world.vercel.projects[0]!.envs;
  expect(vercel.find((e) => e.key === "INTERNAL_WEBHOOK_SECRET")?.value).toBe(now);
  expect(vercel.some((e) => e.key === "INTERNAL_WEBHOOK_SECRET_PREVIOUS")).toBe(false);
  expect(stack.renderService.env.get("INTERNAL_WEBHOOK_SECRET")).toBe(now);
  expect(appSecrets()).toEqual([now]);
  expect(state.journal.rotate).toBeUndefined();
  expect(state.inSync("INTERNAL_WEBHOOK_SECRET", "vercel")).toBe(true);
  expect(state.inSync("INTERNAL_WEBHOOK_SECRET", "render")).toBe(true);
}

describe("efs rotate webhook-secret", () => {
  it("switches every target, keeps the worker's webhook accepted and retires the old secret", async () => {
    const old = s.values.INTERNAL_WEBHOOK_SECRET!;
    const res = await s.efs(["--json", "--yes", "rotate", "webhook-secret"]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect((JSON.parse(res.stdout) as JsonEnvelope).data).toMatchObject({
      rotated: "webhook-secret",
    });
    await expectConsistent(s, old);
    expect(await workerWebhookStatus(s)).toBe(404);
    // The old secret is refused now.
    s.app.secretsFrom = undefined;
    s.app.webhookSecrets = appSecrets();
    const r = await fetch(`${s.appUrl}/api/webhooks/worker`, {
      method: "POST",
      headers: { authorization: `Bearer ${old}` },
      body: JSON.stringify({ jobId: "x", status: "failed" }),
    });
    expect(r.status).toBe(401);
  }, 120_000);

  for (const step of STEPS) {
    it(`resumes after stopping at ${step} and ends consistent with no refused webhook`, async () => {
      const old = s.values.INTERNAL_WEBHOOK_SECRET!;
      const first = await s.efs(["--json", "--yes", "rotate", "webhook-secret"], {
        EFS_ROTATE_STOP_AFTER: step,
      });
      expect(first.code).toBe(1);
      expect((JSON.parse(first.stdout) as JsonEnvelope).error?.code).toBe("ROTATE_STOPPED");
      expect(await workerWebhookStatus(s)).toBe(404);
      const second = await s.efs(["--json", "--yes", "rotate", "webhook-secret"]);
      expect(second.code).toBe(0);
      expect(await workerWebhookStatus(s)).toBe(404);
      await expectConsistent(s, old);
    }, 120_000);
  }

  it("refuses to start another kind while one rotation is in progress", async () => {
    await s.efs(["--yes", "rotate", "webhook-secret"], { EFS_ROTATE_STOP_AFTER: "store" });
    const res = await s.efs(["--yes", "rotate", "modal-token"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("efs rotate webhook-secret");
  }, 60_000);
});

describe("efs rotate modal-token", () => {
  it("replaces the token on Vercel, Render and the Modal secret", async () => {
    const old = s.values.MODAL_AUTH_TOKEN!;
    const res = await s.efs(["--json", "--yes", "rotate", "modal-token"]);
    expect(res.code).toBe(0);
    const now = (await s.vault().read()).get("MODAL_AUTH_TOKEN")!;
    expect(now).not.toBe(old);
    expect(s.renderService.env.get("MODAL_AUTH_TOKEN")).toBe(now);
    expect(s.world.vercel.projects[0]!.envs.find((e) => e.key === "MODAL_AUTH_TOKEN")?.value).toBe(
      now,
    );
    const modal = s.fakes.get<{ secrets: Record<string, { values: Record<string, string> }> }>(
      "modal",
    );
    expect(modal.secrets["ethereal-auth"]?.values.MODAL_AUTH_TOKEN).toBe(now);
    expect(res.stdout).not.toContain(now);
  }, 120_000);
});

describe("efs rotate turso-token", () => {
  it("invalidates every older token of the database, then mints, pushes and keeps the new one", async () => {
    const w = s.world;
    w.turso.groups.set(C.tursoOrg, [
      { name: "default", uuid: "g1", primary: "aws-us-east-1", locations: ["aws-us-east-1"] },
    ]);
    w.turso.dbs.set(C.tursoOrg, [
      {
        Name: "efs-jobs",
        DbId: "db-1",
        Hostname: `efs-jobs-${C.tursoOrg}.aws-us-east-1.turso.io`,
        group: "default",
        primaryRegion: "aws-us-east-1",
      },
    ]);
    // Two tokens out there: the one the apps use, and one whose mint answer was lost.
    w.turso.minted.push(
      { org: C.tursoOrg, db: "efs-jobs", jwt: s.values.TURSO_AUTH_TOKEN! },
      { org: C.tursoOrg, db: "efs-jobs", jwt: "eyJlost.token.never-received" },
    );
    registerSecret(C.tursoToken);
    const res = await s.efs(["--json", "--yes", "rotate", "turso-token", "--db", "efs-jobs"], {
      TURSO_API_TOKEN: C.tursoToken,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/every token of the database is invalidated first/);
    expect(w.turso.rotations).toEqual([{ org: C.tursoOrg, db: "efs-jobs" }]);
    const now = (await s.vault().read()).get("TURSO_AUTH_TOKEN")!;
    registerSecret(now);
    const [a, b, fresh] = w.turso.minted;
    expect([a?.revoked, b?.revoked]).toEqual([true, true]);
    expect(fresh).toMatchObject({ jwt: now });
    expect(fresh?.revoked).toBeUndefined();
    expect(s.renderService.env.get("TURSO_AUTH_TOKEN")).toBe(now);
    expect(s.world.vercel.projects[0]!.envs.find((e) => e.key === "TURSO_AUTH_TOKEN")?.value).toBe(
      now,
    );
  }, 120_000);
});
