// `efs env push`: plan per key, confirm, apply per key, read back, record, redeploy once.
import type { Target } from "@efs/core/env-catalog";
import type { InitFlags } from "../../checklist/inputs";
import { EfsError, EXIT, interruption, isInterruption, throwIfInterrupted } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { applyTarget } from "../../stack/apply";
import { openContext } from "../../stack/open";
import { pending, planAll, type TargetPlan, uncheckedTargets } from "../../stack/plan";
import { redeploy, servicesToRedeploy } from "../../stack/redeploy";

export interface PushArgs {
  target?: string;
  dryRun: boolean;
  prune: boolean;
  redeploy: boolean;
  // Resource flags (--vercel-project, --render-service, …).
  flags?: InitFlags;
}

// Prints the plan as one table (values never shown).
export function printPlan(rt: Runtime, plans: readonly TargetPlan[]): void {
  const rows: string[][] = [];
  for (const p of plans) {
    if (p.error)
      rt.out.warn(
        `${p.target}: skipped — ${p.error.message}${p.error.fix ? ` (fix: ${p.error.fix})` : ""}`,
      );
    for (const i of p.items) rows.push([p.target, i.key, i.action, i.reason]);
    if (p.missingInVault.length)
      rt.out.warn(`${p.target}: not in the vault, so not pushed: ${p.missingInVault.join(", ")}`);
  }
  if (rows.length) rt.out.table(["target", "key", "action", "why"], rows);
}

// One warning naming the targets that could not be checked; returns whether there were any.
export function warnUnchecked(rt: Runtime, plans: readonly TargetPlan[], what: string): boolean {
  const unchecked = uncheckedTargets(plans);
  if (unchecked.length === 0) return false;
  rt.out.warn(
    `could not check ${unchecked.length} of ${plans.length} target(s): ${unchecked.map((p) => p.target).join(", ")} — ${what} (exit 1); set the missing credentials above, or limit the command with --target`,
  );
  return true;
}

// Runs `efs env push`.
export async function envPush(rt: Runtime, args: PushArgs): Promise<CommandResult> {
  const { vault, ctx } = await openContext(rt, args.flags);
  const plans = await planAll(rt, args.target, ctx);
  printPlan(rt, plans);
  const todo = plans.filter((p) => pending(p.items, args.prune));
  const unchecked = uncheckedTargets(plans).map((p) => p.target);
  const data = (extra: Record<string, unknown>) => ({
    targets: plans.map(({ desired: _d, ...p }) => p),
    unchecked,
    ...extra,
  });
  if (todo.length === 0) {
    if (warnUnchecked(rt, plans, "their state is unknown"))
      return { data: data({ applied: [], redeployed: [] }), exitCode: EXIT.error };
    rt.out.success("every target is in sync");
    return { data: data({ applied: [], redeployed: [] }) };
  }
  if (args.dryRun) {
    rt.out.info("dry run: nothing was changed (exit 2: changes pending)");
    const incomplete = warnUnchecked(rt, plans, "the plan does not cover them");
    return {
      data: data({ applied: [], redeployed: [], dryRun: true }),
      exitCode: incomplete ? EXIT.error : EXIT.pending,
    };
  }
  const ok = await rt.prompter.confirm({
    message: `Push these changes to ${todo.map((p) => p.where).join(", ")}?`,
    flag: "--yes",
  });
  if (!ok) return { data: data({ applied: [], redeployed: [] }), exitCode: EXIT.pending };

  const applied: { target: Target; written: string[]; pruned: string[] }[] = [];
  const failures: string[] = [];
  const redeployed: string[] = [];
  // After Ctrl-C / SIGTERM: which targets got their values and which did not.
  const stopped = (during: string) =>
    interruption(
      rt.signal,
      [
        `pushed ${applied.map((a) => `${a.target} (${a.written.join(", ") || "nothing"})`).join(", ") || "nothing"}`,
        `stopped ${during}`,
        `not pushed: ${
          todo
            .filter((p) => !applied.some((a) => a.target === p.target))
            .map((p) => p.target)
            .join(", ") || "none"
        }`,
        redeployed.length ? `redeployed: ${redeployed.join("; ")}` : undefined,
      ]
        .filter(Boolean)
        .join("; "),
      "run efs env push again: pushes made so far are recorded in the vault, and a key written but not recorded reads back as unchanged or is written again",
    );
  for (const p of todo) {
    if (rt.signal.aborted) throw stopped("before the next target");
    try {
      const o = await applyTarget(ctx, vault, p.target, p.desired, p.items, args.prune);
      applied.push({ target: o.target, written: o.written, pruned: o.pruned });
      rt.out.success(
        `${p.where}: pushed ${o.written.join(", ") || "nothing"}${o.pruned.length ? `; deleted ${o.pruned.join(", ")}` : ""}`,
      );
    } catch (e) {
      if (isInterruption(e, rt.signal)) throw stopped(`while pushing to ${p.target}`);
      failures.push(`${p.where}: ${(e as Error).message}`);
    }
  }
  try {
    await maybeRedeploy(
      rt,
      ctx,
      applied.map((a) => a.target),
      args.redeploy,
      redeployed,
    );
  } catch (e) {
    if (isInterruption(e, rt.signal)) throw stopped("before redeploying");
    throw e;
  }
  if (failures.length) {
    throw new EfsError(
      `env push failed for ${failures.length} target(s):\n  ${failures.join("\n  ")}`,
      {
        fix: "fix the cause above, then run efs env push again (keys already pushed are recorded)",
        code: "PUSH_FAILED",
      },
    );
  }
  const incomplete = warnUnchecked(rt, plans, "nothing was pushed to them");
  return { data: data({ applied, redeployed }), exitCode: incomplete ? EXIT.error : EXIT.ok };
}

async function maybeRedeploy(
  rt: Runtime,
  ctx: Awaited<ReturnType<typeof openContext>>["ctx"],
  changed: Target[],
  asked: boolean,
  done: string[],
): Promise<void> {
  const services = servicesToRedeploy(changed);
  for (const s of services) {
    throwIfInterrupted(rt.signal);
    const go =
      asked ||
      (rt.prompter.interactive &&
        (await rt.prompter.confirm({
          message: `Redeploy ${s} so the new values take effect?`,
          flag: "--redeploy",
        })));
    if (!go) {
      rt.out.warn(
        `${s} runs with the old values until its next deploy: run efs env push --redeploy or deploy it`,
      );
      continue;
    }
    done.push(await redeploy(ctx, s));
    rt.out.success(done[done.length - 1]!);
  }
}
