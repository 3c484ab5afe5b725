// Re-creating the r2 section for another bucket keeps the R2 token found by its name, so
// that token must be scoped to the new bucket: efs updates its policy (Cloudflare's Update
// Token), keeping its value, so the vault's S3 key stays valid and now reaches the new bucket.
import { afterEach, describe, expect, it } from "vitest";
import { CHECKLIST_NAMES as N } from "../../src/checklist/names";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import { countCalls } from "../emulators/world";
import { createHarness, type Harness, registerVaultSecrets } from "./harness";

let h: Harness;
afterEach(async () => {
  expect(h.server.unhandled).toEqual([]);
  expect(h.world.violations).toEqual([]);
  await h.cleanup();
});

const resource = (jurisdiction: string, bucket: string) =>
  `com.cloudflare.edge.r2.bucket.${C.cloudflareAccountId}_${jurisdiction}_${bucket}`;

// The emulated token the vault's R2 key is, and the bucket resources its policies grant.
async function vaultKey() {
  const vault = await h.vault();
  const token = h.world.cloudflare.tokens.find((t) => t.id === vault.get("R2_ACCESS_KEY_ID"));
  const policies = (token?.policies ?? []) as { resources: Record<string, string> }[];
  return {
    id: vault.get("R2_ACCESS_KEY_ID"),
    secret: vault.get("R2_SECRET_ACCESS_KEY"),
    name: token?.name,
    resources: policies.flatMap((p) => Object.keys(p.resources)),
  };
}

const tokenUpdates = () => countCalls(h.world, "cloudflare", "PUT", /\/tokens\/[0-9a-f]+$/);

async function finishedR2() {
  h = await createHarness();
  const first = await h.efs(["init", "--yes", "--only", "r2"]);
  expect(first.code, first.stderr).toBe(0);
  await registerVaultSecrets(h);
  const key = await vaultKey();
  expect(key.resources).toEqual([resource("default", N.bucket)]);
  return key;
}

const recreate = (...more: string[]) => [
  "init",
  "--yes",
  "--only",
  "r2",
  "--force-step",
  "r2",
  ...more,
];

describe("efs init --force-step r2 with a new bucket and the same token name", () => {
  it("plans, then makes the update that limits the token to the new bucket, keeping the vault's key", async () => {
    const before = await finishedR2();
    const plan = await h.efs([
      "init",
      "--plan",
      "--only",
      "r2",
      "--force-step",
      "r2",
      "--bucket",
      "efs-next",
    ]);
    // --plan exits 2 when it has changes to show.
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout + plan.stderr).toContain(
      `API token ${N.r2Token}: limit it to bucket efs-next (it grants ${resource("default", N.bucket)}; its secret stays)`,
    );
    expect(tokenUpdates()).toBe(0);

    const redo = await h.efs(recreate("--bucket", "efs-next"));
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.stdout + redo.stderr).toContain(
      `limited API token ${N.r2Token} to bucket efs-next`,
    );
    const after = await vaultKey();
    // Same token, same secret (its value was kept), now granting the new bucket only.
    expect(after).toEqual({ ...before, resources: [resource("default", "efs-next")] });
    expect((await h.vault()).get("R2_BUCKET_NAME")).toBe("efs-next");
    expect(h.world.cloudflare.tokens.filter((t) => t.name === N.r2Token)).toHaveLength(1);
    expect(tokenUpdates()).toBe(1);
  });

  it("leaves a token already scoped to the bucket alone (no update call)", async () => {
    const before = await finishedR2();
    const same = await h.efs(recreate());
    expect(same.code, same.stderr).toBe(0);
    expect(await vaultKey()).toEqual(before);
    expect(tokenUpdates()).toBe(0);
  });

  it("converges after kill -9 between the update and its journal record", async () => {
    const before = await finishedR2();
    const crashed = await h.efs(recreate("--bucket", "efs-next"), {
      EFS_TEST_CRASH_AT: "r2:token-scope:record",
    });
    expect(crashed.signal).toBe("SIGKILL");
    expect(tokenUpdates()).toBe(1);
    const resumed = await h.efs(recreate("--bucket", "efs-next"));
    expect(resumed.code, resumed.stderr).toBe(0);
    // The update already happened: the resumed run finds the token scoped right.
    expect(tokenUpdates()).toBe(1);
    expect(await vaultKey()).toEqual({ ...before, resources: [resource("default", "efs-next")] });
    expect((await h.journal()).r2?.status).toBe("done");
  });
});
