// Storage retention on R2: `efs init` sets a lifecycle rule expiring uploads/ after N days
// (the plan shows it, other rules on the bucket are kept), and `efs verify r2` checks it.
// (The local backend's half — the worker's sweep — is services/worker/test/retention.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHECKLIST_NAMES } from "../../src/checklist/names";
import { uploadRetentionRule } from "../../src/checklist/r2";
import { bucketLifecycle, DEFAULT_R2_RULE, setBucketLifecycle } from "../emulators/cloudflare";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import { createHarness, type Harness, registerVaultSecrets } from "../init/harness";
import { createStack, type SharedS3, type Stack, startSharedS3 } from "../verify/stack";

const DAY_S = 86_400;
// The bucket efs init creates by default; the verify stack's vault names "efs-media".
const BUCKET = CHECKLIST_NAMES.bucket;
const archiveRule = {
  id: "archive-renders",
  enabled: true,
  conditions: { prefix: "renders/" },
  storageClassTransitions: [
    { condition: { type: "Age", maxAge: 30 * DAY_S }, storageClass: "InfrequentAccess" },
  ],
};

describe("efs init sets the R2 retention rule", () => {
  let h: Harness;
  afterEach(async () => {
    expect(h.server.unhandled).toEqual([]);
    await registerVaultSecrets(h);
    await h.cleanup();
  });

  it("plans it, sets it beside R2's default rule, and plans nothing once it is there", async () => {
    h = await createHarness();
    const plan = await h.efs(["init", "--plan", "--only", "r2", "--upload-retention-days", "3"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      `lifecycle rule on ${BUCKET}: delete uploads/ objects after 3 days`,
    );
    const run = await h.efs(["init", "--yes", "--only", "r2", "--upload-retention-days", "3"]);
    expect(run.code, run.stderr).toBe(0);
    expect(bucketLifecycle(h.world, BUCKET)).toEqual([DEFAULT_R2_RULE, uploadRetentionRule(3)]);
    expect(uploadRetentionRule(3).deleteObjectsTransition?.condition).toEqual({
      type: "Age",
      maxAge: 3 * DAY_S,
    });
    const again = await h.efs([
      "init",
      "--plan",
      "--only",
      "r2",
      "--force-step",
      "r2",
      "--upload-retention-days",
      "3",
    ]);
    expect(again.stdout).toMatch(/skip +lifecycle rule: uploads\/ objects expire after 3 days/);
  });

  it("keeps the rules of an adopted bucket and replaces only its own", async () => {
    h = await createHarness();
    h.world.cloudflare.buckets.push({
      name: BUCKET,
      jurisdiction: "default",
      creation_date: new Date().toISOString(),
      location: "weur",
      storage_class: "Standard",
      lifecycle: [archiveRule, uploadRetentionRule(30)],
    });
    const run = await h.efs(["init", "--yes", "--only", "r2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(bucketLifecycle(h.world, BUCKET)).toEqual([archiveRule, uploadRetentionRule(7)]);
  });

  it("refuses a retention that is not a whole number of days, changing nothing", async () => {
    h = await createHarness();
    const run = await h.efs(["init", "--yes", "--upload-retention-days", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--upload-retention-days must be a whole number, 1–3650");
    expect(h.world.calls).toEqual([]);
  });
});

describe("efs verify r2 checks the retention rule", () => {
  let shared: SharedS3;
  let stack: Stack;
  beforeAll(async () => {
    shared = await startSharedS3();
  }, 120_000);
  afterAll(async () => {
    await shared?.s3.stop();
  });
  afterEach(async () => {
    await stack.cleanup();
  });

  const check = async () => {
    const res = await stack.efs(["--json", "verify", "r2"]);
    const checks = (
      res.json().data as { checks: { id: string; status: string; detail: string; fix?: string }[] }
    ).checks;
    return { res, lifecycle: checks.find((c) => c.id === "r2.lifecycle")! };
  };

  it("passes when uploads/ expire, fails (with the fix) when no rule does", async () => {
    stack = await createStack(shared);
    const good = await check();
    expect(good.lifecycle).toMatchObject({
      status: "ok",
      detail: "uploads/ objects expire after 7 days",
    });
    expect(good.res.code).toBe(0);
    setBucketLifecycle(stack.world, "efs-media", [DEFAULT_R2_RULE]);
    const bad = await check();
    expect(bad.res.code).toBe(1);
    expect(bad.lifecycle).toMatchObject({
      status: "fail",
      fix: "efs init --force-step r2 (add --upload-retention-days N to choose the days)",
    });
    expect(bad.lifecycle.detail).toMatch(/no enabled rule deleting uploads\/ objects/);
    setBucketLifecycle(stack.world, "efs-media", [{ ...uploadRetentionRule(7), enabled: false }]);
    expect((await check()).lifecycle.status).toBe("fail");
  });

  it("warns when the rule's days differ from what efs init set, and without the Cloudflare token", async () => {
    stack = await createStack(shared);
    setBucketLifecycle(stack.world, "efs-media", [uploadRetentionRule(30)]);
    const other = await check();
    expect(other.lifecycle).toMatchObject({
      status: "warn",
      detail: "uploads/ objects expire after 30 days, but efs init set 7",
    });
    const res = await stack.efs(["--json", "verify", "r2"], { CLOUDFLARE_API_TOKEN: "" });
    const checks = (res.json().data as { checks: { id: string; status: string; detail: string }[] })
      .checks;
    expect(checks.find((c) => c.id === "r2.lifecycle")).toMatchObject({
      status: "warn",
      detail: "CLOUDFLARE_API_TOKEN is not set, so this could not be checked",
    });
    expect(C.cloudflareAccountId).toBe(stack.values.R2_ACCOUNT_ID);
  });
});
