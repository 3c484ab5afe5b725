// Turso: the database efs init created — its tokens die with it. An adopted one is kept
// (Turso cannot revoke one token, so the token efs minted stays valid: the plan says so).
import { countJobRows, hasJobTable } from "@efs/core/jobs/sql/summary";
import { createClient } from "@libsql/client";
import { type TursoDatabase, tursoUrl } from "../../../providers/turso";
import type { VaultState } from "../../../vault/state";
import type { DestroyContext } from "../context";
import type { DestroySection } from "../types";

const TITLE = "Turso job store";

// The organization holding the vault's database: --turso-org / TURSO_ORG, else the one whose
// database of that name has the vault's URL.
async function locate(
  ctx: DestroyContext,
  name: string,
): Promise<{ org: string; db: TursoDatabase } | undefined> {
  const api = await ctx.step.turso();
  const orgs = ctx.step.inputs.tursoOrg
    ? [ctx.step.inputs.tursoOrg]
    : (await api.listOrgs()).map((o) => o.slug);
  // A libsql:// URL in the vault names the database exactly: a namesake elsewhere is not ours.
  const url = ctx.state.get("TURSO_DATABASE_URL");
  const expected = url?.startsWith("libsql://") ? url : undefined;
  for (const org of orgs) {
    const db = await api.getDatabase(org, name);
    if (db && (!expected || tursoUrl(db) === expected)) return { org, db };
  }
  return undefined;
}

// The job rows deleting the database loses ("unknown" when the database cannot be read).
async function jobRows(state: VaultState): Promise<string> {
  const url = state.get("TURSO_DATABASE_URL");
  if (!url) return "job rows: unknown (TURSO_DATABASE_URL is not in the vault)";
  const token = state.get("TURSO_AUTH_TOKEN");
  const db = createClient({ url, ...(token ? { authToken: token } : {}) });
  try {
    const n = (await hasJobTable(db)) ? await countJobRows(db) : 0;
    return `loses ${n} job row(s)`;
  } catch (e) {
    return `job rows: unknown (${(e as Error).message.split("\n")[0]})`;
  } finally {
    db.close();
  }
}

export const tursoSection: DestroySection = {
  name: "turso",
  title: TITLE,
  recorded: (ctx) => ctx.record("turso", "database") !== undefined,

  async plan(ctx) {
    const name = ctx.record("turso", "database")?.id ?? ctx.step.inputs.db;
    const found = await locate(ctx, name);
    const d = ctx.decide("turso", "database");
    const url = found ? tursoUrl(found.db) : ctx.state.get("TURSO_DATABASE_URL");
    const keep = d.action === "keep";
    return {
      section: "turso",
      title: TITLE,
      where: found ? `organization ${found.org}` : undefined,
      items: [
        {
          key: "database",
          action: keep ? "keep" : found ? "delete" : "gone",
          what: `database ${name}${url ? ` (${url})` : ""} and its tokens`,
          id: found ? `${found.org}/${name}` : name,
          note: keep
            ? `${d.note}; the token efs minted stays valid until \`turso db tokens invalidate ${name}\``
            : found
              ? await jobRows(ctx.state)
              : undefined,
        },
      ],
    };
  },

  async remove(ctx, item) {
    const [org, name] = item.id.split("/") as [string, string];
    return (await ctx.step.turso()).deleteDatabase(org, name);
  },

  forget(draft, items) {
    if (items.every((i) => i.action === "keep")) return;
    for (const n of ["TURSO_DATABASE_URL", "TURSO_AUTH_TOKEN"]) draft.unset(n);
  },
};
