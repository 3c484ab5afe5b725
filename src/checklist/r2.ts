// Section 1: Cloudflare R2 — bucket, CORS for the app origin, bucket-scoped S3 credentials.
import { DAY_MS, UPLOAD_PREFIX } from "@efs/core/storage/retention";
import {
  type CloudflareClient,
  type CorsRule,
  type LifecycleRule,
  R2_ITEM_WRITE,
  s3CredentialsFromToken,
  type TokenScope,
  tokenResources,
  tokenScopedTo,
} from "../providers/cloudflare";
import type { StepContext } from "./context";
import { ensure } from "./ensure";
import type { PlanItem, Step } from "./types";

const DEV_ORIGINS = ["http://localhost:3000"];

// The CORS rule ARCHITECTURE.md requires: app origin (+ localhost), PUT/GET/HEAD. The browser's
// upload sends `If-None-Match: *` (signed, so an upload URL can store its file only once).
function corsRules(appUrl: string | undefined): CorsRule[] {
  const origins = appUrl ? [new URL(appUrl).origin, ...DEV_ORIGINS] : DEV_ORIGINS;
  return [
    {
      allowed: {
        origins,
        methods: ["PUT", "GET", "HEAD"],
        headers: ["Content-Type", "If-None-Match"],
      },
      exposeHeaders: ["ETag", "Content-Length", "Content-Range"],
      maxAgeSeconds: 3600,
    },
  ];
}

// Sets the bucket's CORS rule for `appUrl` (also called by the vercel step once the URL is known).
export async function applyCors(
  cf: CloudflareClient,
  bucket: string,
  appUrl: string | undefined,
): Promise<void> {
  await cf.putCors(bucket, corsRules(appUrl));
}

/** The id of the lifecycle rule efs owns (other rules on the bucket are kept). */
const RETENTION_RULE_ID = "efs-uploads-retention";

// The R2 lifecycle rule: objects under uploads/ are deleted `days` after they were written.
export function uploadRetentionRule(days: number): LifecycleRule {
  return {
    id: RETENTION_RULE_ID,
    enabled: true,
    conditions: { prefix: UPLOAD_PREFIX },
    deleteObjectsTransition: { condition: { type: "Age", maxAge: (days * DAY_MS) / 1000 } },
  };
}

// The retention in days an efs rule on the bucket applies; null when there is none (or it is off).
export function retentionDays(rules: readonly LifecycleRule[]): number | null {
  const rule = rules.find((r) => r.id === RETENTION_RULE_ID);
  const c = rule?.deleteObjectsTransition?.condition;
  if (!rule?.enabled || rule.conditions.prefix !== UPLOAD_PREFIX || c?.type !== "Age") return null;
  return c.maxAge / (DAY_MS / 1000);
}

// Sets efs's retention rule, keeping every other rule on the bucket (PUT replaces the set).
async function applyRetention(cf: CloudflareClient, bucket: string, days: number): Promise<void> {
  const others = (await cf.getLifecycle(bucket)).filter((r) => r.id !== RETENTION_RULE_ID);
  await cf.putLifecycle(bucket, [...others, uploadRetentionRule(days)]);
}

export const r2Step: Step = {
  name: "r2",
  title: "Cloudflare R2 storage",
  needs: { tokens: ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"], vars: [] },
  produces: [
    "R2_ACCOUNT_ID",
    "R2_BUCKET_NAME",
    "R2_JURISDICTION",
    "R2_ACCESS_KEY_ID",
    "R2_SECRET_ACCESS_KEY",
  ],

  async prepare(ctx) {
    await ctx.token("CLOUDFLARE_API_TOKEN");
    await ctx.token("CLOUDFLARE_ACCOUNT_ID");
  },

  async plan(ctx) {
    const { bucket, r2Token: tokenName } = ctx.inputs;
    const days = ctx.inputs.uploadRetentionDays;
    if (!ctx.given("CLOUDFLARE_API_TOKEN") || !ctx.given("CLOUDFLARE_ACCOUNT_ID")) {
      return {
        blocked: "needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID",
        items: [
          { action: "create", what: `R2 bucket ${bucket} (adopted if it exists)` },
          {
            action: "update",
            what: `CORS rule on ${bucket}: PUT/GET/HEAD from the app origin and localhost`,
          },
          {
            action: "update",
            what: `lifecycle rule on ${bucket}: delete ${UPLOAD_PREFIX} objects after ${days} days`,
          },
          {
            action: "create",
            what: `API token ${tokenName} (Workers R2 Storage Bucket Item Write on ${bucket} only) → R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY`,
          },
        ],
      };
    }
    const cf = await ctx.cloudflare();
    const scope = (await cf.verifyToken()).scope;
    const state = await ctx.vault();
    const items: PlanItem[] = [];
    const exists = await cf.getBucket(bucket);
    items.push(
      exists
        ? { action: "adopt", what: `R2 bucket ${bucket}` }
        : { action: "create", what: `R2 bucket ${bucket}` },
    );
    items.push({ action: "update", what: `CORS rule on ${bucket}` });
    const current = exists ? retentionDays(await cf.getLifecycle(bucket)) : null;
    items.push(
      current === days
        ? {
            action: "skip",
            what: `lifecycle rule: ${UPLOAD_PREFIX} objects expire after ${days} days`,
          }
        : {
            action: "update",
            what: `lifecycle rule on ${bucket}: delete ${UPLOAD_PREFIX} objects after ${days} days${current === null ? "" : ` (now ${current})`}`,
          },
    );
    const token = await cf.findTokenByName(tokenName, scope);
    if (token && !tokenScopedTo(token, cf.bucketResource(bucket)))
      items.push({
        action: "update",
        what: `API token ${tokenName}: limit it to bucket ${bucket} (it grants ${tokenResources(token).join(", ") || "nothing"}; its secret stays)`,
      });
    if (!token) items.push({ action: "create", what: `API token ${tokenName}` });
    else if (state.get("R2_ACCESS_KEY_ID") === token.id && state.get("R2_SECRET_ACCESS_KEY"))
      items.push({ action: "adopt", what: `API token ${tokenName}` });
    else
      items.push({
        action: "update",
        what: `roll API token ${tokenName} (its secret is not in the vault)`,
      });
    return {
      items,
      targets: [`Cloudflare account ${ctx.inputs.cloudflareAccountId} (${scope} token)`],
    };
  },

  async apply(ctx) {
    const cf = await ctx.cloudflare();
    const accountId = await ctx.token("CLOUDFLARE_ACCOUNT_ID");
    const { scope } = await cf.verifyToken();
    const bucket = ctx.inputs.bucket;
    await ensure(ctx, {
      step: "r2",
      resource: "bucket",
      find: () => cf.getBucket(bucket),
      create: async () => (await cf.createBucket(bucket, ctx.inputs.bucketLocation)).bucket,
      id: (b) => b.name,
      // R2_JURISDICTION always, "default" too: the apps derive the bucket's S3 endpoint from it,
      // and a re-run in another jurisdiction overwrites it everywhere it was pushed.
      values: (b) => ({
        R2_ACCOUNT_ID: accountId,
        R2_BUCKET_NAME: b.name,
        R2_JURISDICTION: ctx.inputs.bucketJurisdiction,
      }),
      meta: { jurisdiction: ctx.inputs.bucketJurisdiction },
    });
    const appUrl = (await ctx.vault()).get("NEXT_PUBLIC_APP_URL");
    await applyCors(cf, bucket, appUrl);
    ctx.say(`CORS set for ${appUrl ?? "localhost"}`);
    const days = ctx.inputs.uploadRetentionDays;
    await applyRetention(cf, bucket, days);
    await ctx.journal.record("r2", "lifecycle", String(days));
    ctx.say(`${UPLOAD_PREFIX} objects expire after ${days} days`);
    await ensureBucketToken(ctx, cf, bucket, scope);
  },

  async verify(ctx) {
    const cf = await ctx.cloudflare();
    const state = await ctx.vault();
    const problems: string[] = [];
    const bucket = state.get("R2_BUCKET_NAME") ?? ctx.inputs.bucket;
    if (!(await cf.getBucket(bucket))) problems.push(`bucket ${bucket} does not exist`);
    const rules = await cf.getCors(bucket);
    if (!rules?.some((r) => r.allowed.methods.includes("PUT")))
      problems.push(`bucket ${bucket} has no CORS rule allowing PUT`);
    const days = retentionDays(await cf.getLifecycle(bucket));
    if (days !== ctx.inputs.uploadRetentionDays)
      problems.push(
        `bucket ${bucket} has no lifecycle rule deleting ${UPLOAD_PREFIX} objects after ${ctx.inputs.uploadRetentionDays} days`,
      );
    const { scope } = await cf.verifyToken();
    const token = await cf.findTokenByName(ctx.inputs.r2Token, scope);
    if (!token || token.id !== state.get("R2_ACCESS_KEY_ID"))
      problems.push(`R2_ACCESS_KEY_ID does not match the token ${ctx.inputs.r2Token}`);
    else if (!tokenScopedTo(token, cf.bucketResource(bucket)))
      problems.push(`API token ${ctx.inputs.r2Token} is not limited to bucket ${bucket}`);
    return problems;
  },
};

async function ensureBucketToken(
  ctx: StepContext,
  cf: CloudflareClient,
  bucket: string,
  scope: TokenScope,
): Promise<void> {
  const name = ctx.inputs.r2Token;
  const state = await ctx.vault();
  const existing = await cf.findTokenByName(name, scope);
  if (existing && !tokenScopedTo(existing, cf.bucketResource(bucket))) {
    // Found by name but granting another bucket (a re-create with a new --bucket, jurisdiction
    // or account): give it this bucket's policy. Its value, so the vault's S3 secret, stays;
    // the update is idempotent, so a crash after it converges on re-run.
    const group = await cf.findPermissionGroup(R2_ITEM_WRITE, scope);
    await ctx.journal.intent("r2", "token-scope");
    await cf.scopeTokenToBucket(existing, { bucket, scope, permissionGroupId: group.id });
    await ctx.journal.record(
      "r2",
      "token-scope",
      existing.id,
      {},
      {
        name,
        meta: { bucket, jurisdiction: ctx.inputs.bucketJurisdiction },
      },
    );
    ctx.say(`limited API token ${name} to bucket ${bucket}`);
  }
  if (
    existing &&
    state.get("R2_ACCESS_KEY_ID") === existing.id &&
    state.get("R2_SECRET_ACCESS_KEY")
  ) {
    ctx.say(`adopted API token ${name}`);
    return;
  }
  if (existing) {
    // The token exists but its value was shown once and never stored (crash or another
    // machine): roll it to get a new value instead of minting a second token.
    await ctx.journal.intent("r2", "token-roll");
    const value = ctx.secret(await cf.rollToken(existing.id, scope), "cloudflare token");
    await storeToken(ctx, existing.id, name, value);
    ctx.say(`rolled API token ${name}`);
    return;
  }
  const group = await cf.findPermissionGroup(R2_ITEM_WRITE, scope);
  await ctx.journal.intent("r2", "token");
  const { token, adopted } = await cf.createBucketToken({
    name,
    bucket,
    scope,
    permissionGroupId: group.id,
  });
  const value = token.value ?? (adopted ? await cf.rollToken(token.id, scope) : undefined);
  if (!value) throw new Error(`Cloudflare returned no value for token ${name}`);
  await storeToken(ctx, token.id, name, ctx.secret(value, "cloudflare token"));
  ctx.say(`created API token ${name}`);
}

async function storeToken(
  ctx: StepContext,
  id: string,
  name: string,
  value: string,
): Promise<void> {
  const creds = s3CredentialsFromToken({ id, value });
  ctx.secret(creds.secretAccessKey, "R2_SECRET_ACCESS_KEY");
  await ctx.journal.record(
    "r2",
    "token",
    id,
    { R2_ACCESS_KEY_ID: creds.accessKeyId, R2_SECRET_ACCESS_KEY: creds.secretAccessKey },
    { name },
  );
}
