// Which vault variables go to which target, straight from the env catalog.
import { ENV_CATALOG, type Target } from "@efs/core/env-catalog";
import type { VaultState } from "../vault/state";

export interface TargetVar {
  readonly name: string;
  readonly value: string;
  readonly secret: boolean;
}

// Variables for `target` that have a value (vault or fixed), and the required ones missing.
export function varsFor(
  state: VaultState,
  target: Target,
): { present: TargetVar[]; missing: string[] } {
  const present: TargetVar[] = [];
  const missing: string[] = [];
  for (const e of ENV_CATALOG) {
    if (!e.targets.includes(target)) continue;
    const value = state.get(e.name) ?? e.fixedValue;
    if (value !== undefined) present.push({ name: e.name, value, secret: e.secret });
    else if (!e.optional) missing.push(e.name);
  }
  return { present, missing };
}

// The variables whose current value was not yet pushed to `target`.
export function outOfSync(
  state: VaultState,
  target: Target,
  vars: readonly TargetVar[],
): TargetVar[] {
  return vars.filter(
    (v) => state.get(v.name) === undefined || state.inSync(v.name, target) !== true,
  );
}
