// Cloudflare R2: the bucket's objects (emptied through S3, streaming), every API token efs
// minted for the bucket (init's and `efs rotate access-key`'s), then the bucket itself.
// An adopted bucket is kept with its objects; the tokens are efs's and always go.
import type { ApiToken } from "../../../providers/cloudflare";
import { bytes } from "../../../ui/units";
import { countBucket, emptyBucket, openBucket } from "../bucket";
import type { DestroyContext } from "../context";
import type { DestroySection, ResourcePlan } from "../types";

const TITLE = "Cloudflare R2 storage";

// The bucket efs init recorded (or, after a crash before the record, the one it meant).
function bucketName(ctx: DestroyContext): string {
  return ctx.record("r2", "bucket")?.id ?? ctx.step.inputs.bucket;
}

// The tokens efs made for the bucket: the configured token name (--r2-token, its env twin,
// the name efs init recorded, else the checklist's), the vault's current key, and the
// `efs-r2-<bucket>[-<time>]` tokens of `efs rotate access-key` (and of efs init before
// token names were configurable). A user's other tokens are left alone.
function efsTokens(ctx: DestroyContext, all: readonly ApiToken[], bucket: string): ApiToken[] {
  const name = ctx.step.inputs.r2Token;
  const rotated = `efs-r2-${bucket}`;
  const vaultKey = ctx.state.get("R2_ACCESS_KEY_ID");
  return all.filter(
    (t) =>
      t.name === name ||
      t.name === rotated ||
      t.name.startsWith(`${rotated}-`) ||
      (vaultKey !== undefined && t.id === vaultKey),
  );
}

async function objectsNote(ctx: DestroyContext): Promise<string> {
  const s3 = openBucket(ctx.state, ctx.env);
  if (!s3) return "objects: unknown (the R2 keys are not in the vault)";
  try {
    const n = await countBucket(s3.client, s3.bucketName, ctx.signal);
    return `loses ${n.objects} object(s), ${bytes(n.bytes)}`;
  } catch (e) {
    return `objects: could not be counted (${(e as { name?: string }).name ?? "error"})`;
  } finally {
    s3.close();
  }
}

export const r2Section: DestroySection = {
  name: "r2",
  title: TITLE,
  recorded: (ctx) => ctx.init.r2 !== undefined,

  async plan(ctx) {
    const cf = await ctx.step.cloudflare();
    const { scope } = await cf.verifyToken();
    const bucket = bucketName(ctx);
    const exists = await cf.getBucket(bucket);
    const d = ctx.decide("r2", "bucket");
    const deleting = d.action === "delete" && exists !== undefined;
    const items: ResourcePlan[] = [];
    if (deleting && openBucket(ctx.state, ctx.env)) {
      items.push({
        key: "objects",
        action: "delete",
        what: `every object in ${bucket}`,
        id: bucket,
        note: await objectsNote(ctx),
      });
    }
    const tokens = efsTokens(ctx, await cf.listTokens(scope), bucket);
    for (const t of tokens) {
      // A token's id is its S3 access key id: never printed.
      ctx.step.secret(t.id, "R2_ACCESS_KEY_ID");
      items.push({
        key: `token:${t.name}`,
        action: "delete",
        what: `API token ${t.name}`,
        id: t.id,
      });
    }
    if (tokens.length === 0)
      items.push({
        key: "token",
        action: "gone",
        what: `API token ${ctx.step.inputs.r2Token}`,
        id: "",
      });
    items.push({
      key: "bucket",
      action: d.action === "keep" ? "keep" : exists ? "delete" : "gone",
      what: `R2 bucket ${bucket} (with its CORS and lifecycle rules)`,
      id: bucket,
      note: d.note,
    });
    return {
      section: "r2",
      title: TITLE,
      where: `Cloudflare account ${ctx.step.inputs.cloudflareAccountId}`,
      items,
    };
  },

  async remove(ctx, item) {
    if (item.key === "objects") {
      const s3 = openBucket(ctx.state, ctx.env);
      if (!s3) return "gone";
      try {
        const r = await emptyBucket(s3.client, item.id, {
          signal: ctx.signal,
          onProgress: (p) =>
            ctx.say(`emptying ${item.id}: ${p.deleted} objects (${bytes(p.bytes)}) deleted`),
        });
        return r.deleted > 0 ? "deleted" : "gone";
      } finally {
        s3.close();
      }
    }
    const cf = await ctx.step.cloudflare();
    if (item.key.startsWith("token:"))
      return cf.deleteToken(item.id, (await cf.verifyToken()).scope);
    return cf.deleteBucket(item.id);
  },

  forget(draft, items) {
    if (items.some((i) => i.key.startsWith("token") && i.action !== "keep")) {
      for (const n of ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"]) draft.unset(n);
    }
    // The jurisdiction describes the deleted bucket: a later efs init starts from the default again.
    if (items.some((i) => i.key === "bucket" && i.action !== "keep")) {
      for (const n of ["R2_BUCKET_NAME", "R2_JURISDICTION"]) draft.unset(n);
    }
  },
};
