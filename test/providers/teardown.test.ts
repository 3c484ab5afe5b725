// The delete and lifecycle calls `efs destroy` and `efs init`'s retention rule make, against
// the emulations: each delete removes once and answers "gone" afterwards, never an error.
// Like every emulated endpoint these go through route(), which holds requests and answers to
// the published descriptions; the last block plants wrong ones and shows they are caught.
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createCloudflareClient, R2_ITEM_WRITE } from "../../src/providers/cloudflare";
import { createGitHubClient } from "../../src/providers/github";
import { createRenderClient } from "../../src/providers/render";
import { createTursoClient } from "../../src/providers/turso";
import { createVercelClient } from "../../src/providers/vercel";
import { bucketLifecycle, DEFAULT_R2_RULE } from "../emulators/cloudflare";
import { fastRetries, useEmulators } from "../emulators/msw";
import { seedRenderService } from "../emulators/render";
import { route } from "../emulators/route";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import { countCalls, REAL_BASES } from "../emulators/world";

const { world, server } = useEmulators();

// Takes the violations recorded so far (so the planted ones do not fail the test itself).
const takeViolations = () => world().violations.splice(0);
const cf = () =>
  createCloudflareClient({
    token: C.cloudflareToken,
    accountId: C.cloudflareAccountId,
    baseUrl: REAL_BASES.cloudflare,
    ...fastRetries(),
  });

const uploadsRule = {
  id: "efs-uploads-retention",
  enabled: true,
  conditions: { prefix: "uploads/" },
  deleteObjectsTransition: { condition: { type: "Age" as const, maxAge: 7 * 86_400 } },
};

describe("cloudflare deletes and lifecycle", () => {
  it("reads R2's default rule, then keeps it beside the rule efs adds", async () => {
    const client = cf();
    await client.createBucket("efs-media");
    expect(await client.getLifecycle("efs-media")).toEqual([DEFAULT_R2_RULE]);
    await client.putLifecycle("efs-media", [
      ...(await client.getLifecycle("efs-media")),
      uploadsRule,
    ]);
    expect(bucketLifecycle(world(), "efs-media")).toEqual([DEFAULT_R2_RULE, uploadsRule]);
  });

  it("addresses the lifecycle rules and the delete of a bucket in its jurisdiction (eu)", async () => {
    const eu = createCloudflareClient({
      token: C.cloudflareToken,
      accountId: C.cloudflareAccountId,
      baseUrl: REAL_BASES.cloudflare,
      jurisdiction: "eu",
      ...fastRetries(),
    });
    await eu.createBucket("efs-media");
    await eu.putLifecycle("efs-media", [uploadsRule]);
    expect(await eu.getLifecycle("efs-media")).toEqual([uploadsRule]);
    expect(await eu.deleteBucket("efs-media")).toBe("deleted");
    expect(world().cloudflare.buckets).toEqual([]);
  });

  it("deletes an empty bucket once; a second delete finds it gone", async () => {
    const client = cf();
    await client.createBucket("efs-media");
    expect(await client.deleteBucket("efs-media")).toBe("deleted");
    expect(await client.deleteBucket("efs-media")).toBe("gone");
    expect(world().cloudflare.buckets).toEqual([]);
  });

  it("refuses to delete a bucket that still holds objects, saying why", async () => {
    const client = cf();
    await client.createBucket("efs-media");
    world().cloudflare.objectCount = async () => 3;
    await expect(client.deleteBucket("efs-media")).rejects.toThrow(
      /not empty.*HTTP 409|409.*not empty/s,
    );
    expect(world().cloudflare.buckets).toHaveLength(1);
  });

  it("deletes a bucket-scoped token by id, then reports it gone", async () => {
    const client = cf();
    await client.createBucket("efs-media");
    const group = await client.findPermissionGroup(R2_ITEM_WRITE, "user");
    const { token } = await client.createBucketToken({
      name: "efs-r2-efs-media",
      bucket: "efs-media",
      scope: "user",
      permissionGroupId: group.id,
    });
    expect(await client.deleteToken(token.id, "user")).toBe("deleted");
    expect(await client.deleteToken(token.id, "user")).toBe("gone");
    expect(await client.findTokenByName("efs-r2-efs-media", "user")).toBeUndefined();
  });
});

describe("turso, vercel, render and github deletes", () => {
  it("deletes a Turso database and the tokens minted for it", async () => {
    const t = createTursoClient({
      token: C.tursoToken,
      baseUrl: REAL_BASES.turso,
      ...fastRetries(),
    });
    await t.ensureGroup(C.tursoOrg, "default", "aws-us-east-1");
    await t.createDatabase(C.tursoOrg, "efs-jobs", "default");
    await t.mintToken(C.tursoOrg, "efs-jobs");
    expect(await t.deleteDatabase(C.tursoOrg, "efs-jobs")).toBe("deleted");
    expect(await t.deleteDatabase(C.tursoOrg, "efs-jobs")).toBe("gone");
    expect(await t.getDatabase(C.tursoOrg, "efs-jobs")).toBeUndefined();
    expect(world().turso.minted).toEqual([]);
  });

  it("deletes a Vercel project (with its deployments) by id", async () => {
    const v = createVercelClient({
      token: C.vercelToken,
      baseUrl: REAL_BASES.vercel,
      ...fastRetries(),
    });
    const { project } = await v.createProject({ name: "efs-web" });
    expect(await v.deleteProject(project.id)).toBe("deleted");
    expect(await v.deleteProject(project.id)).toBe("gone");
    expect(await v.getProject("efs-web")).toBeUndefined();
  });

  it("deletes a Render service by id", async () => {
    const r = createRenderClient({
      apiKey: C.renderKey,
      baseUrl: REAL_BASES.render,
      ...fastRetries(),
    });
    const { service } = seedRenderService(world(), "efs-worker", REAL_BASES.renderHooks);
    expect(await r.deleteService(service.id)).toBe("deleted");
    expect(await r.deleteService(service.id)).toBe("gone");
    expect(await r.findService("efs-worker", C.renderOwnerId)).toBeUndefined();
  });

  it("deletes a GitHub Actions secret, then reports it gone", async () => {
    const gh = createGitHubClient({
      token: C.githubToken,
      baseUrl: REAL_BASES.github,
      ...fastRetries(),
    });
    const repo = { owner: "acme", repo: "flame-studio" };
    await gh.putSecret(repo, "VERCEL_TOKEN", "value-1");
    expect(await gh.deleteSecret(repo, "VERCEL_TOKEN")).toBe("deleted");
    expect(await gh.deleteSecret(repo, "VERCEL_TOKEN")).toBe("gone");
    expect(await gh.listSecrets(repo)).toEqual([]);
    expect(countCalls(world(), "github", "DELETE", /actions\/secrets\/VERCEL_TOKEN$/)).toBe(2);
    const removed = world().calls.filter((c) => c.method === "DELETE" && c.status === 204);
    expect(removed).toHaveLength(1);
  });
});

describe("the delete and lifecycle endpoints are held to the published descriptions", () => {
  const LIFECYCLE = "/accounts/:acct/r2/buckets/:name/lifecycle";

  it("catches a lifecycle answer whose rule lacks what R2's schema requires (enabled)", async () => {
    const client = cf();
    await client.createBucket("efs-media");
    server.use(
      route(world(), "cloudflare", "get", REAL_BASES.cloudflare, LIFECYCLE, () =>
        HttpResponse.json({
          success: true,
          errors: [],
          messages: [],
          result: { rules: [{ id: "no-enabled", conditions: { prefix: "" } }] },
        }),
      ),
    );
    await expect(client.getLifecycle("efs-media")).rejects.toThrow(/HTTP 500/);
    expect(takeViolations()).toEqual([
      "Cloudflare (api-schemas), GET /accounts/{account_id}/r2/buckets/{bucket_name}/lifecycle: HTTP 200 body at /result/rules/0 must have required property 'enabled'",
    ]);
  });

  it("catches a lifecycle rule sent outside R2's schema (maxAge as text)", async () => {
    const client = cf();
    await client.createBucket("efs-media");
    const bad = {
      ...uploadsRule,
      deleteObjectsTransition: { condition: { type: "Age", maxAge: "7d" } },
    };
    await expect(
      client.putLifecycle("efs-media", [bad as unknown as typeof uploadsRule]),
    ).rejects.toThrow(/HTTP 500/);
    const v = takeViolations();
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]).toMatch(/PUT .*\/lifecycle: request body at \/rules\/0\/deleteObjectsTransition/);
    expect(bucketLifecycle(world(), "efs-media")).toEqual([DEFAULT_R2_RULE]);
  });

  it("catches a Vercel project delete answered 200 with a body (the SDK reads 204 without one)", async () => {
    const v = createVercelClient({
      token: C.vercelToken,
      baseUrl: REAL_BASES.vercel,
      ...fastRetries(),
    });
    const { project } = await v.createProject({ name: "efs-web" });
    server.use(
      route(world(), "vercel", "delete", REAL_BASES.vercel, "/v9/projects/:id", () =>
        HttpResponse.json({ id: project.id }),
      ),
    );
    await expect(v.deleteProject(project.id)).rejects.toThrow(/HTTP 500/);
    expect(takeViolations()).toEqual([
      "Vercel (@vercel/sdk), DELETE /v9/projects/{idOrName}: HTTP 200 is not a documented answer (documented: 204)",
    ]);
  });

  it("catches a Render service delete answered with a status Render does not document (200)", async () => {
    const r = createRenderClient({
      apiKey: C.renderKey,
      baseUrl: REAL_BASES.render,
      ...fastRetries(),
    });
    const { service } = seedRenderService(world(), "efs-worker", REAL_BASES.renderHooks);
    server.use(
      route(world(), "render", "delete", REAL_BASES.render, "/services/:id", () =>
        HttpResponse.json({}),
      ),
    );
    await expect(r.deleteService(service.id)).rejects.toThrow(/HTTP 500/);
    expect(takeViolations()).toEqual([
      expect.stringMatching(
        /DELETE \/services\/\{serviceId\}: HTTP 200 is not a documented answer \(documented: 204, 401/,
      ),
    ]);
  });
});
