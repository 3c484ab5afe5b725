// What each rotation replaces, how the new value is made, which checks prove it works, and
// how the old one is retired.
import { createHash, randomBytes } from "node:crypto";
import { redact } from "@efs/core/secret";
import type { Service } from "../../checks/types";
import { EfsError } from "../../errors";
import {
  type CloudflareClient,
  R2_ITEM_WRITE,
  TOKEN_DASHBOARD,
  type TokenScope,
} from "../../providers/cloudflare";
import { ProviderError } from "../../providers/errors";
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
  // How the confirmation names the retire step, when more than "retire the old one".
  readonly retireWhat?: string;
  // Runs at create, before the new value exists and while the vault still holds the old
  // one: finds the credential retire removes (journaled, so a resume retires the same one).
  locateOld?(ctx: VerifyContext, old: Record<string, string>): Promise<OldToken>;
  create(ctx: VerifyContext): Promise<Record<string, string>>;
  // Retires the old value; returns what was done (or what the user must do by hand).
  retire(ctx: VerifyContext, r: RetireInput): Promise<Retired>;
}

/** The Cloudflare API token behind the old R2_ACCESS_KEY_ID (its id is the access key id). */
export interface OldToken {
  id: string;
  // Its name as the dashboard lists it; absent when the token was not found at create.
  name?: string;
  // The endpoint family it lives under (/user/tokens or /accounts/{id}/tokens).
  scope: TokenScope;
}

/** What `--json` reports about a retired token; the id only masked (it is R2_ACCESS_KEY_ID). */
export interface RetiredToken {
  name?: string;
  id: string;
  // deleted now, already gone (404: deleted by hand or by an earlier run), or kept: it is
  // the vault's current key or CLOUDFLARE_API_TOKEN itself.
  outcome: "deleted" | "gone" | "kept";
}

/** What retire gets: the journaled old and new values and what create found. */
interface RetireInput {
  old: Record<string, string>;
  next: Record<string, string>;
  oldToken?: OldToken;
}

/** What retire did: a line to print, and for access-key the token for --json. */
interface Retired {
  say: string;
  // Say it as a warning: the old value was not retired.
  warn?: boolean;
  token?: RetiredToken;
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
    return {
      say: "the web app no longer accepts the old secret (INTERNAL_WEBHOOK_SECRET_PREVIOUS removed)",
    };
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
    return { say: "the Modal secret ethereal-auth holds only the new token" };
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
    return { say: "every older token of the database was invalidated when the new one was made" };
  },
};

const accessKey: RotationKind = {
  name: "access-key",
  vars: ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"],
  verify: ["r2"],
  retireWhat: "delete the old Cloudflare API token (the old key stops working)",
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
  async locateOld(ctx, old) {
    ctx.credential("CLOUDFLARE_API_TOKEN");
    const cf = await ctx.cloudflare();
    return locateToken(cf, old.R2_ACCESS_KEY_ID!, (await cf.verifyToken()).scope);
  },
  async retire(ctx, r) {
    // A journal from before efs recorded the token: the old key id, in the bootstrap's family.
    const id = r.oldToken?.id ?? r.old.R2_ACCESS_KEY_ID!;
    const label = tokenLabel(id, r.oldToken?.name);
    ctx.credential("CLOUDFLARE_API_TOKEN");
    const cf = await ctx.cloudflare();
    const me = await cf.verifyToken();
    const scope = r.oldToken?.scope ?? me.scope;
    // Never the key in use, nor the token efs runs with: kept, with a warning.
    const inUse =
      id === r.next.R2_ACCESS_KEY_ID || id === ctx.get("R2_ACCESS_KEY_ID")
        ? "the vault's R2_ACCESS_KEY_ID is that token again (changed after the rotation began?)"
        : id === me.id
          ? "it is CLOUDFLARE_API_TOKEN itself, which efs runs with"
          : undefined;
    if (inUse) {
      return {
        say: `not deleting the old API token ${label}: ${inUse}; check efs verify r2, then delete or narrow the token by hand at ${dashboard(scope)}`,
        warn: true,
        token: { name: r.oldToken?.name, id: redact(id), outcome: "kept" },
      };
    }
    let outcome: RetiredToken["outcome"];
    try {
      outcome = await cf.deleteToken(id, scope);
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      throw retireFailed(e, label, scope);
    }
    return {
      say:
        outcome === "deleted"
          ? `deleted the old API token ${label}: the old R2 key no longer works`
          : `the old API token ${label} was already gone`,
      token: { name: r.oldToken?.name, id: redact(id), outcome },
    };
  },
};

// The token by name (what the dashboard lists) and masked id: the id is R2_ACCESS_KEY_ID.
function tokenLabel(id: string, name: string | undefined): string {
  return name ? `${name} (id ${redact(id)})` : `with id ${redact(id)}`;
}

function dashboard(scope: TokenScope): string {
  return scope === "user"
    ? TOKEN_DASHBOARD
    : "the account's API tokens (Manage Account > API Tokens) in the Cloudflare dashboard";
}

// Where the API token `id` lives: in the bootstrap token's endpoint family (where efs init
// and rotate create tokens), else the other one (made with another CLOUDFLARE_API_TOKEN).
// Not found in either (deleted by hand?): the bootstrap's family, where a 404 means gone.
async function locateToken(cf: CloudflareClient, id: string, scope: TokenScope): Promise<OldToken> {
  const own = (await cf.listTokens(scope)).find((t) => t.id === id);
  if (own) return { id, name: own.name, scope };
  const other: TokenScope = scope === "user" ? "account" : "user";
  const elsewhere = await cf.listTokens(other).then(
    (all) => all.find((t) => t.id === id),
    (e: unknown) => {
      // The bootstrap token may not reach the other family at all.
      if (e instanceof ProviderError) return undefined;
      throw e;
    },
  );
  return elsewhere ? { id, name: elsewhere.name, scope: other } : { id, scope };
}

// A failed delete: the new key is live, the old one still works; what to do about it.
function retireFailed(e: ProviderError, label: string, scope: TokenScope): EfsError {
  const permission =
    scope === "user"
      ? 'the user permission "API Tokens: Edit"'
      : 'the account permission "Account API Tokens: Edit"';
  const denied = e.status === 403;
  const why = denied
    ? `Cloudflare refused (HTTP 403): CLOUDFLARE_API_TOKEN lacks ${permission}`
    : e.message.split("\n")[0];
  const cure = denied ? `give CLOUDFLARE_API_TOKEN ${permission}` : (e.hint ?? "fix the cause");
  return new EfsError(
    `Could not delete the old API token ${label}: ${why}. The new key is verified and in use; the old one still works`,
    {
      fix: `${cure} (or delete the token by hand at ${dashboard(scope)}), then run efs rotate access-key again to finish`,
      code: "ROTATE_RETIRE_FAILED",
      cause: e,
    },
  );
}

export const KINDS: Record<RotationName, RotationKind> = {
  "webhook-secret": webhookSecret,
  "modal-token": modalToken,
  "turso-token": tursoToken,
  "access-key": accessKey,
};
