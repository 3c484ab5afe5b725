// efs rotate access-key against the emulated stack with SeaweedFS as R2: the new key is a
// fresh bucket-scoped Cloudflare token (its id and sha256(value) are an S3 identity, as on
// R2), and once it verified the old token is deleted through Cloudflare's API — also when
// the rotation was stopped after any step and resumed, and never the new one.
import { createHash, randomBytes } from "node:crypto";
import { redact } from "@efs/core/secret";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startS3Server } from "../../test-support/s3-server";
import type { JsonEnvelope } from "../helpers/cli";
import { registerSecret, testSecret } from "../helpers/leak-record";
import { createStack, type SharedS3, type Stack } from "../verify/stack";

// A Cloudflare token as R2 sees it: id = access key id, sha256(value) = secret access key.
function cfToken() {
  const id = registerSecret(randomBytes(16).toString("hex"));
  const value = registerSecret(randomBytes(30).toString("base64url"));
  const secretKey = registerSecret(createHash("sha256").update(value).digest("hex"));
  return { id, value, secretKey };
}

const OLD = cfToken();
const NEW = cfToken();
// A token Cloudflare mints whose key SeaweedFS does not know: verify fails with it.
const UNKNOWN = cfToken();
const OLD_NAME = "ethereal-flame-studio-prod";

let shared: SharedS3;
beforeAll(async () => {
  const rw = ["Read", "Write", "List", "Tagging"];
  const s3 = await startS3Server({
    bucket: "efs-media",
    extraIdentities: [
      { name: "old", accessKey: OLD.id, secretKey: OLD.secretKey, actions: rw },
      { name: "new", accessKey: NEW.id, secretKey: NEW.secretKey, actions: rw },
    ],
  });
  registerSecret(s3.secretAccessKey);
  shared = {
    s3,
    r2: { accessKey: OLD.id, secretKey: OLD.secretKey },
    scoped: { accessKey: "AKSCOPED0001", secretKey: testSecret(64) },
  };
}, 120_000);
afterAll(async () => {
  await shared?.s3.stop();
});

let s: Stack;
beforeEach(async () => {
  s = await createStack(shared);
  // The token efs init made (what the vault's R2 keys come from), and what the next
  // token Cloudflare mints will be.
  s.world.cloudflare.tokens.push({
    id: OLD.id,
    name: OLD_NAME,
    value: OLD.value,
    status: "active",
    scope: "user",
    canMintTokens: false,
    canR2: false,
  });
  s.world.cloudflare.nextTokens = [{ id: NEW.id, value: NEW.value }];
});
afterEach(async () => {
  expect(s.world.violations).toEqual([]);
  await s.cleanup();
});

const rotate = (env: Record<string, string> = {}) =>
  s.efs(["--json", "--yes", "rotate", "access-key"], env);
const tokenIds = () => s.world.cloudflare.tokens.map((t) => t.id);
// The token deleted in the dashboard, outside efs.
const deleteByHand = (id: string) => {
  const { tokens } = s.world.cloudflare;
  const at = tokens.findIndex((t) => t.id === id);
  if (at < 0) throw new Error(`no token ${id} to delete`);
  tokens.splice(at, 1);
};
const bootstrap = () => s.world.cloudflare.tokens.find((t) => t.name === "efs bootstrap")!;

// The vault and every target hold the new key, the journal is closed, and Cloudflare
// holds the new token and no longer the old one.
async function expectRotated() {
  const state = await s.vault().read();
  expect(state.get("R2_ACCESS_KEY_ID")).toBe(NEW.id);
  expect(state.get("R2_SECRET_ACCESS_KEY")).toBe(NEW.secretKey);
  expect(state.journal.rotate).toBeUndefined();
  expect(s.renderService.env.get("R2_ACCESS_KEY_ID")).toBe(NEW.id);
  const vercel = s.world.vercel.projects[0]!.envs;
  expect(vercel.find((e) => e.key === "R2_ACCESS_KEY_ID")?.value).toBe(NEW.id);
  expect(tokenIds()).toContain(NEW.id);
  expect(tokenIds()).not.toContain(OLD.id);
}

function retiredOf(stdout: string) {
  return ((JSON.parse(stdout) as JsonEnvelope).data as { retiredToken?: unknown }).retiredToken;
}

describe("efs rotate access-key", () => {
  it("deletes the old Cloudflare token once the new key verified, and reports it", async () => {
    const res = await rotate();
    expect(res.code, res.stdout + res.stderr).toBe(0);
    await expectRotated();
    expect(
      s.world.calls.filter((c) => c.provider === "cloudflare" && c.method === "DELETE"),
    ).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(new RegExp(`/client/v4/user/tokens/${OLD.id}$`)),
        status: 200,
      }),
    ]);
    expect(retiredOf(res.stdout)).toEqual({
      name: OLD_NAME,
      id: redact(OLD.id),
      outcome: "deleted",
    });
  }, 120_000);

  it("asks before starting, naming the deletion of the old token", async () => {
    const res = await s.efs(["rotate", "access-key"], { CI: "1" });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("verify → delete the old Cloudflare API token");
    expect(res.stderr).toContain("pass --yes");
    expect(tokenIds()).toContain(OLD.id);
  }, 60_000);

  it("keeps the old token when the new key fails verify", async () => {
    s.world.cloudflare.nextTokens = [{ id: UNKNOWN.id, value: UNKNOWN.value }];
    const res = await rotate();
    expect(res.code).toBe(1);
    expect((JSON.parse(res.stdout) as JsonEnvelope).error?.code).toBe("ROTATE_VERIFY_FAILED");
    expect(tokenIds()).toContain(OLD.id);
    expect(s.world.calls.some((c) => c.method === "DELETE")).toBe(false);
  }, 120_000);

  for (const step of ["create", "store", "push:render", "verify", "retire"]) {
    it(`stopped after ${step} and resumed, deletes the old token and keeps the new one`, async () => {
      const first = await rotate({ EFS_ROTATE_STOP_AFTER: step });
      expect(first.code).toBe(1);
      expect((JSON.parse(first.stdout) as JsonEnvelope).error?.code).toBe("ROTATE_STOPPED");
      expect(tokenIds()).toContain(NEW.id);
      if (step !== "retire") expect(tokenIds()).toContain(OLD.id);
      const second = await rotate();
      expect(second.code, second.stdout + second.stderr).toBe(0);
      await expectRotated();
      expect(retiredOf(second.stdout)).toMatchObject({ name: OLD_NAME, outcome: "deleted" });
    }, 120_000);
  }

  it("counts a token already deleted by hand (404) as retired", async () => {
    await rotate({ EFS_ROTATE_STOP_AFTER: "verify" });
    deleteByHand(OLD.id);
    const res = await rotate();
    expect(res.code, res.stdout + res.stderr).toBe(0);
    await expectRotated();
    expect(retiredOf(res.stdout)).toEqual({ name: OLD_NAME, id: redact(OLD.id), outcome: "gone" });
  }, 120_000);

  it("finishes when the old key's token was deleted before the rotation began", async () => {
    deleteByHand(OLD.id);
    const res = await rotate();
    expect(res.code, res.stdout + res.stderr).toBe(0);
    await expectRotated();
    expect(retiredOf(res.stdout)).toEqual({ id: redact(OLD.id), outcome: "gone" });
  }, 120_000);

  it("never deletes the key the vault holds: a key set back to the old token is kept, with a warning", async () => {
    await rotate({ EFS_ROTATE_STOP_AFTER: "verify" });
    await s.vault().update((d) => d.set("R2_ACCESS_KEY_ID", OLD.id));
    const res = await rotate();
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(tokenIds()).toEqual(expect.arrayContaining([OLD.id, NEW.id]));
    expect(retiredOf(res.stdout)).toEqual({ name: OLD_NAME, id: redact(OLD.id), outcome: "kept" });
    expect(res.stderr).toContain(`not deleting the old API token ${OLD_NAME}`);
    expect(s.world.calls.some((c) => c.method === "DELETE")).toBe(false);
  }, 120_000);

  it("never deletes CLOUDFLARE_API_TOKEN itself when it was the old R2 key", async () => {
    const own = bootstrap();
    await s.vault().update((d) => d.set("R2_ACCESS_KEY_ID", own.id));
    const res = await rotate();
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(tokenIds()).toEqual(expect.arrayContaining([own.id, NEW.id]));
    expect(retiredOf(res.stdout)).toMatchObject({ name: own.name, outcome: "kept" });
    expect(res.stderr).toContain("it is CLOUDFLARE_API_TOKEN itself");
  }, 120_000);

  it("without the permission to delete tokens, stops at retire with the fix; a re-run finishes", async () => {
    await rotate({ EFS_ROTATE_STOP_AFTER: "verify" });
    // CLOUDFLARE_API_TOKEN lost "API Tokens: Edit" (edited in the dashboard) before the resume.
    bootstrap().canMintTokens = false;
    const denied = await rotate();
    expect(denied.code).toBe(1);
    const error = (JSON.parse(denied.stdout) as JsonEnvelope).error!;
    expect(error.code).toBe("ROTATE_RETIRE_FAILED");
    expect(error.message).toContain(`${OLD_NAME} (id ${redact(OLD.id)})`);
    expect(error.message).toMatch(/HTTP 403.*"API Tokens: Edit"/);
    expect(error.message).toContain("the old one still works");
    expect(error.fix).toContain("efs rotate access-key again");
    expect(tokenIds()).toContain(OLD.id);
    expect((await s.vault().read()).journal.rotate).toMatchObject({
      done: expect.not.arrayContaining(["retire"]),
    });

    bootstrap().canMintTokens = true;
    const res = await s.efs(["--yes", "rotate", "access-key"]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    await expectRotated();
    expect(res.stdout + res.stderr).toContain(
      `deleted the old API token ${OLD_NAME} (id ${redact(OLD.id)}): the old R2 key no longer works`,
    );
  }, 120_000);
});
