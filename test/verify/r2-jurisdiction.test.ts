// A bucket in the eu jurisdiction is reached at its own S3 endpoint: efs verify r2 (and the
// other commands that read the bucket: status, destroy) talk S3 to
// https://<account>.eu.r2.cloudflarestorage.com, where the bucket is, never to the default one.
import { DEFAULT_UPLOAD_RETENTION_DAYS } from "@efs/core/storage/retention";
import { afterEach, describe, expect, it } from "vitest";
import { resolveInputs } from "../../src/checklist/inputs";
import { uploadRetentionRule } from "../../src/checklist/r2";
import { checkR2 } from "../../src/checks/r2";
import { countBucket, openBucket } from "../../src/handlers/destroy/bucket";
import { endpointsFromEnv } from "../../src/providers/endpoints";
import { Redactor } from "../../src/redact";
import { VerifyContext } from "../../src/stack/context";
import type { VaultState } from "../../src/vault/state";
import { Vault } from "../../src/vault/vault";
import { useEmulators } from "../emulators/msw";
import { r2S3Emulation } from "../emulators/r2-s3";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import { type Sandbox, sandbox } from "../helpers/cli";
import { testSecret } from "../helpers/leak-record";

const { world, server } = useEmulators();
let box: Sandbox;
afterEach(() => box?.cleanup());

const APP = "https://ethereal-flame-studio.vercel.app";
const ACCESS_KEY = "AKR2EUTOKEN0001";
const EU_HOST = `${C.cloudflareAccountId}.eu.r2.cloudflarestorage.com`;

// The eu bucket as efs init leaves it (CORS for the app, retention rule) and the vault naming it.
async function euStack(vaultJurisdiction: string | null = "eu") {
  world().cloudflare.buckets.push({
    name: "efs-media",
    jurisdiction: "eu",
    creation_date: new Date().toISOString(),
    location: "weur",
    storage_class: "Standard",
    cors: [{ allowed: { origins: [APP], methods: ["PUT", "GET", "HEAD"] } }],
    lifecycle: [uploadRetentionRule(DEFAULT_UPLOAD_RETENTION_DAYS)],
  });
  const s3 = r2S3Emulation(world(), ACCESS_KEY);
  server.use(...s3.handlers);
  box = sandbox();
  const vault = new Vault({ root: box.project, keys: { env: { EFS_VAULT_KEY: testSecret(64) } } });
  await vault.update((d) => {
    d.set("R2_ACCOUNT_ID", C.cloudflareAccountId, { source: "r2" });
    d.set("R2_BUCKET_NAME", "efs-media", { source: "r2" });
    if (vaultJurisdiction) d.set("R2_JURISDICTION", vaultJurisdiction, { source: "r2" });
    d.set("R2_ACCESS_KEY_ID", ACCESS_KEY, { source: "r2" });
    d.set("R2_SECRET_ACCESS_KEY", testSecret(64), { source: "r2" });
    d.set("NEXT_PUBLIC_APP_URL", APP, { source: "vercel" });
  });
  return { s3, state: await vault.read() };
}

// efs verify r2's checks, in this process (fetch and the S3 client → msw).
function verifyR2(state: VaultState) {
  const env = {
    CLOUDFLARE_API_TOKEN: C.cloudflareToken,
    CLOUDFLARE_ACCOUNT_ID: C.cloudflareAccountId,
  };
  const ctx = new VerifyContext({
    cwd: box.project,
    env,
    inputs: resolveInputs({}, env, state),
    endpoints: endpointsFromEnv({}),
    vault: state,
    redactor: new Redactor(),
  });
  return checkR2(ctx);
}

describe("a bucket in the eu jurisdiction", () => {
  it("passes efs verify r2, every S3 request going to the eu endpoint", async () => {
    const { s3, state } = await euStack();
    const results = await verifyR2(state);
    expect(results.map((r) => [r.id, r.status, r.detail])).toEqual([
      ["r2.list", "ok", "efs-media listed (0 key shown)"],
      ["r2.probe", "ok", expect.stringContaining("written, read back and deleted")],
      ["r2.cors", "ok", expect.stringContaining("PUT")],
      ["r2.lifecycle", "ok", expect.stringContaining("expire after")],
    ]);
    expect(s3.requests.length).toBeGreaterThanOrEqual(5);
    expect(s3.requests.filter((r) => !r.host.endsWith(EU_HOST))).toEqual([]);
    expect(new Set(s3.requests.map((r) => r.method))).toEqual(
      new Set(["GET", "PUT", "DELETE", "OPTIONS"]),
    );
  });

  it("fails efs verify r2 naming R2_JURISDICTION when the vault says another jurisdiction", async () => {
    const { s3, state } = await euStack(null);
    const list = (await verifyR2(state)).find((r) => r.id === "r2.list");
    expect(list).toMatchObject({
      status: "fail",
      detail:
        "NoSuchBucket: bucket efs-media does not exist in this account's default jurisdiction (R2_JURISDICTION)",
    });
    expect(list?.fix).toContain("efs env set R2_JURISDICTION");
    expect(s3.requests[0]?.host).toBe(
      `efs-media.${C.cloudflareAccountId}.r2.cloudflarestorage.com`,
    );
  });

  it("is counted by efs destroy's planning at the eu endpoint", async () => {
    const { s3, state } = await euStack();
    s3.objects.set("eu/efs-media/uploads/a/master.m4a", new Uint8Array(10));
    s3.objects.set("eu/efs-media/renders/r/output.mp4", new Uint8Array(32));
    const bucket = openBucket(state, {});
    expect(bucket?.endpoint).toBe(`https://${EU_HOST}`);
    try {
      expect(await countBucket(bucket!.client, "efs-media")).toEqual({ objects: 2, bytes: 42 });
    } finally {
      bucket?.close();
    }
    expect(s3.requests.map((r) => r.host)).toEqual([`efs-media.${EU_HOST}`]);
  });
});
