// What each rotation replaces, how the new value is made, which checks prove it works, and
// how the old one is retired.
import { createHash, randomBytes } from "node:crypto";
import { EfsError } from "../errors";
import { createCloudflareClient, R2_ITEM_WRITE } from "../providers/cloudflare";
import { createTursoClient } from "../providers/turso";
import type { VerifyContext } from "../verify/context";
import type { Service } from "../verify/types";

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
  async create(ctx) {
    const token = ctx.credential(
      "TURSO_API_TOKEN",
      "export TURSO_API_TOKEN (turso auth api-tokens mint efs)",
    );
    const api = createTursoClient({ token, baseUrl: ctx.endpoints.turso, signal: ctx.signal });
    const org = ctx.env.TURSO_ORG || (await api.listOrgs())[0]?.slug;
    if (!org) throw new EfsError("No Turso organization", { fix: "set TURSO_ORG" });
    return { TURSO_AUTH_TOKEN: await api.mintToken(org, ctx.env.EFS_DB || "efs-jobs") };
  },
  async retire() {
    // Turso cannot revoke one token: `auth/rotate` invalidates every token of the database.
    return "Turso cannot revoke a single token: the old one stays valid until you run `turso db tokens invalidate <db>` (which also needs a fresh token: efs rotate turso-token again right after)";
  },
};

const accessKey: RotationKind = {
  name: "access-key",
  vars: ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"],
  verify: ["r2"],
  async create(ctx) {
    const token = ctx.credential(
      "CLOUDFLARE_API_TOKEN",
      "export CLOUDFLARE_API_TOKEN (API Tokens: Edit)",
    );
    const bucket = ctx.get("R2_BUCKET_NAME");
    const accountId = ctx.get("R2_ACCOUNT_ID");
    if (!bucket || !accountId)
      throw new EfsError("R2 is not set up", { fix: "run efs init --only r2" });
    const cf = createCloudflareClient({
      token,
      accountId,
      baseUrl: ctx.endpoints.cloudflare,
      signal: ctx.signal,
    });
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
