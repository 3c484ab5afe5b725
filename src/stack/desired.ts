// What each deploy target should hold, from the env catalog and the vault.
import { ENV_CATALOG, TARGETS, type Target } from "@efs/core/env-catalog";
import type { VaultState } from "../vault/state";

/** One variable a target should have. */
export interface DesiredVar {
  readonly key: string;
  readonly value: string;
  readonly secret: boolean;
  // True when the value is the catalog's fixed value (DEPLOY_ENV, STORAGE_BACKEND).
  readonly fixed: boolean;
}

// Parses a --target value: vercel, render, github, modal (both secrets) or modal:<secret>.
export function parseTargets(value: string | undefined): Target[] | null {
  if (!value) return [...TARGETS];
  if (value === "modal") return TARGETS.filter((t) => t.startsWith("modal:"));
  return (TARGETS as readonly string[]).includes(value) ? [value as Target] : null;
}

// The variables `target` should hold (present) and the required ones the vault lacks.
export function desiredFor(
  state: VaultState,
  target: Target,
): { vars: DesiredVar[]; missing: string[] } {
  const vars: DesiredVar[] = [];
  const missing: string[] = [];
  for (const e of ENV_CATALOG) {
    if (!e.targets.includes(target)) continue;
    const stored = state.get(e.name);
    const value = e.fixedValue ?? stored;
    if (value !== undefined) {
      vars.push({ key: e.name, value, secret: e.secret, fixed: e.fixedValue !== undefined });
    } else if (!e.optional) missing.push(e.name);
  }
  return { vars, missing };
}
