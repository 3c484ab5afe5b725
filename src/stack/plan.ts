// Per-key plan for one target, and the plan of every target (env push, env status, status): compare what it should hold with what it holds, using values
// where readable, else the fingerprint and remote updatedAt recorded at our last push.
import type { Target } from "@efs/core/env-catalog";
import { EfsError, interruption, isInterruption, usageError } from "../errors";
import type { Runtime } from "../runtime";
import type { VaultState } from "../vault/state";
import { MissingCredential, type VerifyContext } from "./context";
import { type DesiredVar, desiredFor, parseTargets } from "./desired";
import { type RemoteSnapshot, readRemote } from "./remote";

type PlanAction = "add" | "change" | "unchanged" | "remote-only" | "unverifiable";

/** One key's planned action (no values: only names and reasons). */
export interface PlanItem {
  readonly target: Target;
  readonly key: string;
  readonly action: PlanAction;
  readonly reason: string;
  // The remote copy changed after our last push (someone edited it in the dashboard).
  readonly outOfBand?: boolean;
}

function describeValue(v: string): string {
  if (v !== v.trimEnd() && /[\r\n]$/.test(v)) return "the stored value ends with a newline";
  if (v !== v.trim()) return "the stored value has surrounding whitespace";
  return "the stored value differs from the vault";
}

// Plans one desired variable against the remote snapshot.
function planKey(state: VaultState, d: DesiredVar, remote: RemoteSnapshot): PlanItem {
  const target = remote.target;
  const push = state.entry(d.key)?.pushes[target];
  const fp = state.fingerprint(d.key, d.value);
  const item = (action: PlanAction, reason: string, outOfBand?: boolean): PlanItem => ({
    target,
    key: d.key,
    action,
    reason,
    ...(outOfBand ? { outOfBand } : {}),
  });
  if (!remote.listable) {
    if (push && push.fingerprint === fp)
      return item("unchanged", "as efs last pushed it (Modal secrets cannot be read back)");
    if (push) return item("change", "the vault value changed since the last push");
    return item("unverifiable", "never pushed by efs and Modal secrets cannot be read back");
  }
  const r = remote.vars.get(d.key);
  if (!r) {
    const elsewhere = remote.notProduction.get(d.key);
    return item(
      "add",
      elsewhere ? `set only for ${elsewhere.join("/")}, not Production` : "missing",
    );
  }
  if (r.value !== undefined) {
    if (r.value === d.value) return item("unchanged", "value matches");
    const oob = push !== undefined && push.fingerprint === fp;
    return item("change", `${describeValue(r.value)}${oob ? " (changed out of band)" : ""}`, oob);
  }
  if (!push) return item("unverifiable", "present, write-only, and never pushed by efs");
  if (push.fingerprint !== fp) return item("change", "the vault value changed since the last push");
  if (push.remoteUpdatedAt && r.updatedAt && r.updatedAt > push.remoteUpdatedAt) {
    return item("change", `changed out of band at ${r.updatedAt} (after our push)`, true);
  }
  return item(
    "unchanged",
    "as efs last pushed it (write-only: checked by fingerprint and updatedAt)",
  );
}

// The plan for one target: desired keys first, then keys only the target has.
export function planTarget(
  state: VaultState,
  desired: readonly DesiredVar[],
  remote: RemoteSnapshot,
): PlanItem[] {
  const items = desired.map((d) => planKey(state, d, remote));
  const wanted = new Set(desired.map((d) => d.key));
  for (const key of remote.vars.keys()) {
    if (!wanted.has(key))
      items.push({
        target: remote.target,
        key,
        action: "remote-only",
        reason: "not managed by efs (kept; --prune deletes)",
      });
  }
  return items;
}

// Whether applying the plan would change anything (remote-only keys count only with prune).
export function pending(items: readonly PlanItem[], prune = false): boolean {
  return items.some(
    (i) =>
      i.action === "add" ||
      i.action === "change" ||
      i.action === "unverifiable" ||
      (prune && i.action === "remote-only"),
  );
}

/** A target's plan, as printed and returned in --json. */
export interface TargetPlan {
  target: Target;
  where: string;
  items: PlanItem[];
  missingInVault: string[];
  desired: DesiredVar[];
  error?: { message: string; fix?: string };
}

// Reads every target and plans it; a target that cannot be read (no credential) is skipped
// when all targets were asked for, and is an error when it was named.
export async function planAll(
  rt: Runtime,
  target: string | undefined,
  ctx: VerifyContext,
): Promise<TargetPlan[]> {
  const targets = parseTargets(target);
  if (!targets) {
    throw usageError(
      `--target ${target} is not a target`,
      "pass --target vercel, render, github, modal, modal:r2-credentials or modal:ethereal-auth",
    );
  }
  if (ctx.vault.projectId === null) {
    throw new EfsError(`No vault in ${rt.cwd}: nothing to push`, {
      fix: "run efs init (or efs env import .env) first",
    });
  }
  const plans: TargetPlan[] = [];
  const readTargets = () =>
    interruption(rt.signal, "while reading the targets; nothing was changed");
  for (const t of targets) {
    if (rt.signal.aborted) throw readTargets();
    const { vars, missing } = desiredFor(ctx.vault, t);
    try {
      const remote = await readRemote(ctx, t);
      plans.push({
        target: t,
        where: remote.where,
        items: planTarget(ctx.vault, vars, remote),
        missingInVault: missing,
        desired: vars,
      });
    } catch (e) {
      if (isInterruption(e, rt.signal)) throw readTargets();
      if (target || !(e instanceof MissingCredential || e instanceof EfsError)) {
        if (e instanceof MissingCredential)
          throw new EfsError(e.message, { fix: e.fix, code: "MISSING_TOKEN" });
        throw e;
      }
      const fix = e instanceof MissingCredential ? e.fix : (e as EfsError).fix;
      plans.push({
        target: t,
        where: t,
        items: [],
        missingInVault: missing,
        desired: vars,
        error: { message: e.message, fix },
      });
    }
  }
  return plans;
}

// The targets that could not be read (missing credential, missing project…): their state
// is unknown, so no command may call them in sync.
export function uncheckedTargets(plans: readonly TargetPlan[]): TargetPlan[] {
  return plans.filter((p) => p.error);
}
