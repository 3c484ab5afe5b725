import type { R2Jurisdiction } from "@efs/core/r2";
import { describe, expect, it } from "vitest";
import {
  createCloudflareClient,
  R2_ITEM_WRITE,
  s3CredentialsFromToken,
  tokenScopedTo,
} from "../../src/providers/cloudflare";
import { fastRetries, useEmulators } from "../emulators/msw";
import { TEST_CREDENTIALS as C, sha256Hex } from "../emulators/state";
import { assertCallsHappened, countCalls, REAL_BASES } from "../emulators/world";

const { world } = useEmulators();
// A client for the emulated account; `opts` sets its jurisdiction or token.
const cf = (opts: { token?: string; jurisdiction?: R2Jurisdiction } = {}) =>
  createCloudflareClient({
    token: C.cloudflareToken,
    accountId: C.cloudflareAccountId,
    baseUrl: REAL_BASES.cloudflare,
    ...fastRetries(),
    ...opts,
  });

describe("cloudflare client against the emulation", () => {
  it("lists a bucket after creating it, and adopts it on a duplicate create (409)", async () => {
    const client = cf();
    expect(await client.getBucket("efs-media")).toBeUndefined();
    const first = await client.createBucket("efs-media", "enam");
    expect(first).toMatchObject({
      existed: false,
      bucket: { name: "efs-media", location: "enam" },
    });
    expect((await client.listBuckets()).map((b) => b.name)).toEqual(["efs-media"]);
    const again = await client.createBucket("efs-media");
    expect(again.existed).toBe(true);
    expect(world().cloudflare.buckets).toHaveLength(1);
    assertCallsHappened(world(), [
      ["cloudflare", "POST", /r2\/buckets$/],
      ["cloudflare", "GET", /r2\/buckets\/efs-media$/],
    ]);
  });

  it("addresses buckets in the chosen jurisdiction and scopes the token to it", async () => {
    const eu = cf({ jurisdiction: "eu" });
    await eu.createBucket("efs-media");
    expect(world().cloudflare.buckets).toMatchObject([{ name: "efs-media", jurisdiction: "eu" }]);
    expect(await eu.getBucket("efs-media")).toMatchObject({ name: "efs-media" });
    expect(await cf().getBucket("efs-media")).toBeUndefined();
    const group = await eu.findPermissionGroup(R2_ITEM_WRITE, "user");
    const { token } = await eu.createBucketToken({
      name: "efs-r2-efs-media",
      bucket: "efs-media",
      scope: "user",
      permissionGroupId: group.id,
    });
    const stored = world().cloudflare.tokens.find((t) => t.id === token.id)!;
    expect(JSON.stringify(stored.policies)).toContain(
      `com.cloudflare.edge.r2.bucket.${C.cloudflareAccountId}_eu_efs-media`,
    );
  });

  it("says a bucket name this account already uses in another jurisdiction is its own, and how to adopt it", async () => {
    await cf().createBucket("efs-media");
    const eu = cf({ jurisdiction: "eu" });
    const err = await eu.createBucket("efs-media").catch((e) => e);
    expect(err.message).toMatch(
      /this account already has a bucket efs-media in the default jurisdiction, not in eu/,
    );
    expect(err.message).toContain("--bucket-jurisdiction default");
    expect(err.message).not.toMatch(/another account/);
    expect(world().cloudflare.buckets).toHaveLength(1);
  });

  it("follows the cursor through every page of buckets", async () => {
    world().cloudflare.listPageSize = 2;
    const client = cf();
    for (const n of ["b-one", "b-two", "b-three", "b-four", "b-five"]) await client.createBucket(n);
    expect((await client.listBuckets()).map((b) => b.name).sort()).toEqual([
      "b-five",
      "b-four",
      "b-one",
      "b-three",
      "b-two",
    ]);
    expect(countCalls(world(), "cloudflare", "GET", /r2\/buckets$/)).toBe(3);
  });

  it("mints a bucket-scoped item-write token whose S3 secret is sha256(value)", async () => {
    const client = cf();
    const group = await client.findPermissionGroup(R2_ITEM_WRITE, "user");
    const { token } = await client.createBucketToken({
      name: "efs-r2-media",
      bucket: "media",
      scope: "user",
      permissionGroupId: group.id,
    });
    const stored = world().cloudflare.tokens.find((t) => t.id === token.id)!;
    expect(Object.keys((stored.policies as { resources: object }[])[0]!.resources)).toEqual([
      `com.cloudflare.edge.r2.bucket.${C.cloudflareAccountId}_default_media`,
    ]);
    const creds = s3CredentialsFromToken({ id: token.id, value: token.value! });
    expect(creds).toEqual({ accessKeyId: token.id, secretAccessKey: sha256Hex(stored.value) });
    expect(creds.secretAccessKey).toMatch(/^[0-9a-f]{64}$/);
    expect((await client.findTokenByName("efs-r2-media", "user"))?.id).toBe(token.id);
  });

  it("moves a token's policy to another bucket (Update Token), keeping its value and so its S3 secret", async () => {
    for (const scope of ["user", "account"] as const) {
      world().cloudflare.tokens[0]!.scope = scope;
      const client = cf();
      const group = await client.findPermissionGroup(R2_ITEM_WRITE, scope);
      const name = `efs-r2-${scope}`;
      const made = await client.createBucketToken({
        name,
        bucket: "media",
        scope,
        permissionGroupId: group.id,
      });
      const eu = cf({ jurisdiction: "eu" });
      const listed = (await eu.findTokenByName(name, scope))!;
      expect(eu.bucketResource("media-eu")).toBe(
        `com.cloudflare.edge.r2.bucket.${C.cloudflareAccountId}_eu_media-eu`,
      );
      expect(tokenScopedTo(listed, client.bucketResource("media"))).toBe(true);
      expect(tokenScopedTo(listed, eu.bucketResource("media-eu"))).toBe(false);

      await eu.scopeTokenToBucket(listed, {
        bucket: "media-eu",
        scope,
        permissionGroupId: group.id,
      });

      const stored = world().cloudflare.tokens.find((t) => t.id === made.token.id)!;
      expect(stored).toMatchObject({ name, value: made.token.value, status: "active" });
      const after = (await eu.findTokenByName(name, scope))!;
      expect(tokenScopedTo(after, eu.bucketResource("media-eu"))).toBe(true);
      expect(after.policies).toMatchObject([
        {
          effect: "allow",
          resources: { [eu.bucketResource("media-eu")]: "*" },
          permission_groups: [{ id: group.id }],
        },
      ]);
      const path =
        scope === "user" ? "/user/tokens/" : `/accounts/${C.cloudflareAccountId}/tokens/`;
      expect(countCalls(world(), "cloudflare", "PUT", new RegExp(`${path}${made.token.id}$`))).toBe(
        1,
      );
    }
  });

  it("adopts a token created by an ambiguous 502 instead of minting a second one", async () => {
    world().faults.script.push({
      method: "POST",
      path: /\/user\/tokens$/,
      status: 502,
      times: 1,
      afterProcessing: true,
    });
    const client = cf();
    const { token, adopted } = await client.createBucketToken({
      name: "efs-r2-x",
      bucket: "x",
      scope: "user",
      permissionGroupId: (await client.findPermissionGroup(R2_ITEM_WRITE, "user")).id,
    });
    expect(adopted).toBe(true);
    expect(token.value).toBeUndefined();
    expect(world().cloudflare.tokens.filter((t) => t.name === "efs-r2-x")).toHaveLength(1);
    const rolled = await client.rollToken(token.id, "user");
    expect(rolled).toBe(world().cloudflare.tokens.find((t) => t.id === token.id)!.value);
  });

  it("verifies an account-owned token at the account endpoint", async () => {
    world().cloudflare.tokens[0]!.scope = "account";
    expect((await cf().verifyToken()).scope).toBe("account");
  });

  it("verifies its token once: later asks reuse the answer", async () => {
    const client = cf();
    const [a, b] = await Promise.all([client.verifyToken(), client.verifyToken()]);
    expect(await client.verifyToken()).toEqual(a);
    expect(b).toEqual(a);
    expect(countCalls(world(), "cloudflare", "GET", /tokens\/verify$/)).toBe(1);
  });

  it("explains a bootstrap token that cannot mint tokens (9109) and names the permission to add", async () => {
    world().cloudflare.tokens[0]!.canMintTokens = false;
    const err = await cf()
      .findPermissionGroup(R2_ITEM_WRITE, "user")
      .catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/API Tokens: Edit/);
    expect(err.message).toContain("dash.cloudflare.com/profile/api-tokens");
  });

  it("explains a token without R2 access and never prints the token", async () => {
    world().cloudflare.tokens[0]!.canR2 = false;
    const err = await cf()
      .createBucket("nope-bucket")
      .catch((e) => e);
    expect(err.message).toMatch(/Workers R2 Storage: Edit|lacks access/);
    expect(err.message).not.toContain(C.cloudflareToken);
  });

  it("recovers from 429 with Retry-After and from a 503", async () => {
    world().faults.script.push(
      { path: /r2\/buckets$/, method: "POST", status: 429, times: 1, retryAfter: "2" },
      { path: /r2\/buckets$/, method: "POST", status: 503, times: 1 },
    );
    const retries = fastRetries();
    const client = createCloudflareClient({
      token: C.cloudflareToken,
      accountId: C.cloudflareAccountId,
      baseUrl: REAL_BASES.cloudflare,
      ...retries,
    });
    await client.createBucket("flaky-bucket");
    expect(retries.sleeps[0]).toBe(2000);
    expect(world().cloudflare.buckets.map((b) => b.name)).toEqual(["flaky-bucket"]);
  });
});
