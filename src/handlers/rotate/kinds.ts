// What each rotation replaces, how the new value is made, which checks prove it works, and
// how the old one is retired.
import { createHash, randomBytes } from "node:crypto";
import type { Service } from "../../checks/types";
import { EfsError } from "../../errors";
import { R2_ITEM_WRITE } from "../../providers/cloudflare";
import type { VerifyContext } from "../../stack/context";

export const ROTATIONS = ["webhook-secret", "modal-token", "turso-token", "access-key"] as const;
export type RotationName = (typeof ROTATIONS)[number];

/** One kind of rotation. */
export interface RotationKind {
  readonly name: RotationName;
  // The vault variables it replaces.
  readonly vars: readonly string[];
  // The checks that must pass with the new value before the old one is retired.
  readonly verify: readonly Service[];
  // During the switch the web app also accepts the old value through this variable.
  readonly previousVar?: string;
  // Said before asking to go ahead (what the rotation costs).
  readonly warning?: string;
  create(ctx: VerifyContext): Promise<Record<string, string>>;
  // Retires the old value; returns what was done (or what the user must do by hand).
  retire(ctx: VerifyContext, old: Record<string, string>): Promise<string>;
}

const webhookSecret: RotationKind = {
  name: "webhook-secret",
  vars: ["INTERNAL_WEBHOOK_SECRET"],
  verify: ["webhook"],
  previousVar: "INTERNAL_WEBHOOK_SECRET_PREVIOUS",
  async create() {
    return { INTERNAL_WEBHOOK_SECRET: randomBytes(32).toString("hex") };
  },
  async retire() {
    return "the web app no longer accepts the old secret (INTERNAL_WEBHOOK_SECRET_PREVIOUS removed)";
  },
};

const modalToken: RotationKind = {
  name: "modal-token",
  vars: ["MODAL_AUTH_TOKEN"],
  verify: ["modal"],
  async create() {
    return { MODAL_AUTH_TOKEN: randomBytes(32).toString("base64url") };
  },
  async retire() {
    return "the Modal secret ethereal-auth holds only the new token";
  },
};

const tursoToken: RotationKind = {
  name: "turso-token",
  vars: ["TURSO_AUTH_TOKEN"],
  verify: ["turso"],
  warning:
    "Turso cannot revoke a single token: every token of the database is invalidated first (also any lost or leaked one), so the apps fail database calls until the new token is pushed and they are redeployed (usually a minute or two).",
  async create(ctx) {
    ctx.credential("TURSO_API_TOKEN");
    const api = await ctx.turso();
    const org = ctx.inputs.tursoOrg ?? (await api.listOrgs())[0]?.slug;
    if (!org)
      throw new EfsError("No Turso organization", { fix: "pass --turso-org or set TURSO_ORG" });
    const db = ctx.inputs.db;
    // Invalidate first, then mint: re-running after a lost answer invalidates that token too.
    await api.invalidateTokens(org, db);
    return { TURSO_AUTH_TOKEN: await api.mintToken(org, db) };
  },
  async retire() {
    return "every older token of the database was invalidated when the new one was made";
  },
};

const accessKey: RotationKind = {
  name: "access-key",
  vars: ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"],
  verify: ["r2"],
  async create(ctx) {
    ctx.credential("CLOUDFLARE_API_TOKEN");
    if (!ctx.get("R2_BUCKET_NAME") || !ctx.get("R2_ACCOUNT_ID"))
      throw new EfsError("R2 is not set up", { fix: "run efs init --only r2" });
    const bucket = ctx.inputs.bucket;
    const cf = await ctx.cloudflare();
    const scope = (await cf.verifyToken()).scope;
    const group = await cf.findPermissionGroup(R2_ITEM_WRITE, scope);
    const { token: t } = await cf.createBucketToken({
      name: `efs-r2-${bucket}-${new Date(ctx.now()).toISOString().slice(0, 19).replace(/[-:T]/g, "")}`,
      bucket,
      scope,
      permissionGroupId: group.id,
    });
    if (!t.value)
      throw new EfsError("Cloudflare returned no token value", {
        fix: "run efs rotate access-key again",
      });
    return {
      R2_ACCESS_KEY_ID: t.id,
      R2_SECRET_ACCESS_KEY: createHash("sha256").update(t.value).digest("hex"),
    };
  },
  async retire(_ctx, old) {
    return `delete the old API token ${old.R2_ACCESS_KEY_ID ?? ""} at https://dash.cloudflare.com/profile/api-tokens (efs does not delete tokens)`;
  },
};

export const KINDS: Record<RotationName, RotationKind> = {
  "webhook-secret": webhookSecret,
  "modal-token": modalToken,
  "turso-token": tursoToken,
  "access-key": accessKey,
};
