// Section 2: Turso — organization, group, database, token (API first, `turso` CLI fallback).
import { EfsError } from "../errors";
import { ProviderError } from "../providers/errors";
import { type TursoClient, tursoUrl } from "../providers/turso";
import type { StepContext } from "./context";
import { ensure } from "./ensure";
import { pendingIntent } from "./journal";
import type { Step } from "./types";

// The Turso organization: --turso-org, the only one, or asked.
export async function pickOrg(ctx: StepContext, api: TursoClient): Promise<string> {
  if (ctx.inputs.tursoOrg) return ctx.inputs.tursoOrg;
  const orgs = await api.listOrgs();
  if (orgs.length === 1) return orgs[0]!.slug;
  if (orgs.length === 0)
    throw new EfsError("TURSO_API_TOKEN sees no organization", {
      fix: "check the token at https://app.turso.tech",
    });
  return ctx.prompter.select({
    message: "Which Turso organization?",
    flag: "--turso-org",
    options: orgs.map((o) => ({ value: o.slug, label: o.slug, hint: o.type })),
  });
}

// Mints the database token under a journal intent. Turso tokens cannot be listed or
// revoked one by one, so a mint whose answer was lost (here or in an interrupted run, seen
// as an intent without a record) may have left a full-access token nobody holds: say so,
// and point at efs rotate turso-token, which invalidates every older token of the database.
async function mintJournaled(ctx: StepContext, db: string, mint: () => Promise<string>) {
  const lostBefore = pendingIntent((await ctx.journalState()).turso?.resources.token);
  await ctx.journal.intent("turso", "token");
  let jwt: string;
  try {
    jwt = ctx.secret(await mint(), "TURSO_AUTH_TOKEN");
  } catch (err) {
    if (err instanceof ProviderError && err.ambiguous) {
      throw new EfsError(
        `Turso: creating a token for ${db} got no answer (${err.providerMessage ?? "lost"}); a full-access token may now exist that efs never received`,
        {
          fix: `run efs init --from turso to mint one efs keeps, then efs rotate turso-token to invalidate the lost one`,
          code: "TURSO_TOKEN_LOST",
          cause: err,
        },
      );
    }
    throw err;
  }
  await ctx.journal.record("turso", "token", db, { TURSO_AUTH_TOKEN: jwt });
  if (lostBefore) {
    ctx.warn(
      `An earlier run asked Turso for a token for ${db} and never got the answer: that full-access token may exist and stays valid until the database's tokens are invalidated`,
    );
    ctx.next(
      `Invalidate the lost Turso token: efs rotate turso-token (invalidates every older token of ${db}, then pushes a new one and redeploys)`,
      "turso-lost-token",
    );
  }
}

// Whether the token for this database was already minted and stored.
async function tokenStored(ctx: StepContext, db: string): Promise<boolean> {
  const rec = (await ctx.journalState()).turso?.resources.token;
  return rec?.id === db && (await ctx.vault()).get("TURSO_AUTH_TOKEN") !== undefined;
}

async function applyApi(ctx: StepContext): Promise<void> {
  const api = await ctx.turso();
  const org = await pickOrg(ctx, api);
  const { db, tursoGroup: group, region } = ctx.inputs;
  const made = await ensure(ctx, {
    step: "turso",
    resource: "database",
    find: () => api.getDatabase(org, db),
    create: async () => {
      await api.ensureGroup(org, group, region);
      return (await api.createDatabase(org, db, group)).db;
    },
    id: (d) => d.Name,
    values: (d) => ({ TURSO_DATABASE_URL: tursoUrl(d) }),
  });
  if (await tokenStored(ctx, made.value.Name)) return;
  await mintJournaled(ctx, db, () => api.mintToken(org, db));
  ctx.say("database token created");
}

async function applyCli(ctx: StepContext): Promise<void> {
  const cli = ctx.tursoCli();
  const { db, tursoGroup } = ctx.inputs;
  ctx.warn("TURSO_API_TOKEN is not set: using the turso CLI login");
  await ensure(ctx, {
    step: "turso",
    resource: "database",
    find: async () => {
      const url = await cli.dbUrl(db);
      return url ? { url } : undefined;
    },
    create: async () => {
      await cli.createDb(db, tursoGroup);
      const url = await cli.dbUrl(db);
      if (!url)
        throw new EfsError(`turso db create ${db} succeeded but the database is not listed`);
      return { url };
    },
    id: () => db,
    values: (d) => ({ TURSO_DATABASE_URL: d.url }),
  });
  if (await tokenStored(ctx, db)) return;
  await mintJournaled(ctx, db, () => cli.mintToken(db));
}

export const tursoStep: Step = {
  name: "turso",
  title: "Turso job store",
  needs: { tokens: ["TURSO_API_TOKEN (or a turso CLI login)"], vars: [] },
  produces: ["TURSO_DATABASE_URL", "TURSO_AUTH_TOKEN"],

  async prepare(ctx) {
    if (!ctx.given("TURSO_API_TOKEN") && !(await ctx.tursoCli().isLoggedIn())) {
      await ctx.token("TURSO_API_TOKEN");
    }
  },

  async plan(ctx) {
    const { db, tursoGroup, region } = ctx.inputs;
    const items = [
      { action: "create" as const, what: `group ${tursoGroup} in ${region} if missing` },
      {
        action: "create" as const,
        what: `database ${db} (adopted if it exists) → TURSO_DATABASE_URL`,
      },
      { action: "create" as const, what: `database token for ${db} → TURSO_AUTH_TOKEN` },
    ];
    if (!ctx.given("TURSO_API_TOKEN"))
      return { items, blocked: "needs TURSO_API_TOKEN (or a turso CLI login)" };
    const api = await ctx.turso();
    const org = await pickOrg(ctx, api);
    const exists = await api.getDatabase(org, db);
    const minted = exists && (await tokenStored(ctx, db));
    return {
      targets: [`Turso organization ${org}`],
      items: [
        exists ? { action: "adopt", what: `database ${db}` } : items[1]!,
        minted ? { action: "skip", what: "database token (in the vault)" } : items[2]!,
      ],
    };
  },

  async apply(ctx) {
    if (ctx.given("TURSO_API_TOKEN")) return applyApi(ctx);
    if (await ctx.tursoCli().isLoggedIn()) return applyCli(ctx);
    if (ctx.prompter.interactive) return applyApi(ctx);
    throw new EfsError(
      "No Turso credentials: TURSO_API_TOKEN is not set and the turso CLI is not logged in",
      {
        fix: "export TURSO_API_TOKEN=$(turso auth api-tokens mint efs), or run `turso auth login`",
        exitCode: 2,
        code: "MISSING_TOKEN",
      },
    );
  },

  async verify(ctx) {
    const state = await ctx.vault();
    const url = state.get("TURSO_DATABASE_URL");
    if (!url?.startsWith("libsql://"))
      return ["TURSO_DATABASE_URL is missing or not a libsql:// URL"];
    if (!ctx.given("TURSO_API_TOKEN")) return [];
    const api = await ctx.turso();
    const db = await api.getDatabase(await pickOrg(ctx, api), ctx.inputs.db);
    if (!db) return [`database ${ctx.inputs.db} does not exist`];
    return tursoUrl(db) === url ? [] : [`TURSO_DATABASE_URL (${url}) is not ${tursoUrl(db)}`];
  },
};
