// `efs env status`: the drift report (missing / differs / changed out of band /
// unverifiable) per target and key; reads only, writes nothing.
import type { InitFlags } from "../../checklist/inputs";
import { EXIT } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { openContext } from "../../stack/open";
import { planAll, uncheckedTargets } from "../../stack/plan";
import { printPlan, warnUnchecked } from "./push";

type Drift =
  | "in-sync"
  | "missing"
  | "differs"
  | "changed-out-of-band"
  | "unverifiable"
  | "remote-only";

// Runs `efs env status`.
export async function envStatus(
  rt: Runtime,
  args: { target?: string; flags?: InitFlags },
): Promise<CommandResult> {
  const { ctx } = await openContext(rt, args.flags);
  const plans = await planAll(rt, args.target, ctx);
  printPlan(rt, plans);
  const rows = plans.flatMap((p) =>
    p.items.map((i) => ({
      target: p.target,
      key: i.key,
      drift: driftOf(i.action, i.outOfBand === true),
      reason: i.reason,
    })),
  );
  const drifted = rows.filter((r) => r.drift !== "in-sync" && r.drift !== "remote-only");
  const incomplete = warnUnchecked(rt, plans, "their drift is unknown");
  if (drifted.length > 0) rt.out.info(`${drifted.length} key(s) drifted: run efs env push to fix`);
  else if (!incomplete) rt.out.success("no drift");
  return {
    exitCode: incomplete ? EXIT.error : EXIT.ok,
    data: {
      unchecked: uncheckedTargets(plans).map((p) => p.target),
      targets: plans.map((p) => ({
        target: p.target,
        where: p.where,
        missingInVault: p.missingInVault,
        error: p.error,
      })),
      keys: rows,
      drifted: drifted.length,
    },
  };
}

function driftOf(action: string, outOfBand: boolean): Drift {
  if (outOfBand) return "changed-out-of-band";
  switch (action) {
    case "add":
      return "missing";
    case "change":
      return "differs";
    case "unverifiable":
      return "unverifiable";
    case "remote-only":
      return "remote-only";
    default:
      return "in-sync";
  }
}
