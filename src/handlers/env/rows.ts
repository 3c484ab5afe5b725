// Shapes vault entries for display: redacted values and push/sync summaries.
import { catalogEntry, ENV_CATALOG } from "@efs/core/env-catalog";
import { redact as maskValue } from "@efs/core/secret";
import type { VaultState } from "../../vault/state";

/** One row of the tracking table (safe to print: no value). */
export interface EnvRow {
  readonly name: string;
  readonly source: string;
  readonly set: boolean;
  readonly secret: boolean;
  // e.g. "a3f7…9c1e (64 chars)"; null when not set.
  readonly value: string | null;
  readonly targets: readonly string[];
  readonly pushes: Record<
    string,
    { inSync: boolean; pushedAt: string; remoteUpdatedAt: string | null }
  >;
  // true/false when pushed somewhere; null when never pushed.
  readonly inSync: boolean | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

// One row for `name` (set or not).
export function envRow(state: VaultState, name: string): EnvRow {
  const cat = catalogEntry(name);
  const e = state.entry(name);
  const pushes: EnvRow["pushes"] = {};
  for (const [target, p] of Object.entries(e?.pushes ?? {})) {
    pushes[target] = {
      inSync: state.inSync(name, target) === true,
      pushedAt: p.pushedAt,
      remoteUpdatedAt: p.remoteUpdatedAt,
    };
  }
  const syncs = Object.values(pushes).map((p) => p.inSync);
  return {
    name,
    source: e?.source ?? cat?.section ?? "manual",
    set: e !== undefined,
    secret: cat?.secret ?? true,
    value: e ? maskValue(e.value) : null,
    targets: cat?.targets ?? [],
    pushes,
    inSync: syncs.length === 0 ? null : syncs.every(Boolean),
    createdAt: e?.createdAt ?? null,
    updatedAt: e?.updatedAt ?? null,
  };
}

// Rows in catalog order, then variables outside the catalog.
export function envRows(state: VaultState, setOnly: boolean): EnvRow[] {
  const names = ENV_CATALOG.map((c) => c.name);
  for (const e of state.entries()) if (!names.includes(e.name)) names.push(e.name);
  return names.map((n) => envRow(state, n)).filter((r) => r.set || !setOnly);
}
