// `efs verify [service]`: runs the checks of one service (or all, plus the cross-service
// ones), prints OK/WARN/FAIL with cause and fix, and exits 1 when anything FAILs.
import type { InitFlags } from "../../checklist/inputs";
import { runChecks } from "../../checks/run";
import { SERVICES, type Service } from "../../checks/types";
import { EfsError, usageError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { openContext } from "../../stack/open";

const MARK = { ok: "OK  ", warn: "WARN", fail: "FAIL" } as const;

// Runs `efs verify`.
export async function verify(
  rt: Runtime,
  args: { service?: string; flags?: InitFlags },
): Promise<CommandResult> {
  if (args.service && !(SERVICES as readonly string[]).includes(args.service)) {
    throw usageError(
      `"${args.service}" is not a service`,
      `pass one of ${SERVICES.join(", ")} (or nothing for all)`,
    );
  }
  const { ctx } = await openContext(rt, args.flags);
  if (ctx.vault.projectId === null) {
    throw new EfsError(`No vault in ${rt.cwd}: nothing to verify`, { fix: "run efs init first" });
  }
  const checks = await runChecks(ctx, args.service as Service | undefined);
  const c = rt.out.color;
  for (const r of checks) {
    const mark =
      r.status === "ok"
        ? c.green(MARK.ok)
        : r.status === "warn"
          ? c.yellow(MARK.warn)
          : c.red(MARK.fail);
    rt.out.print(`${mark} ${r.service.padEnd(7)} ${r.title}: ${r.detail}`);
    if (r.status !== "ok" && r.fix) rt.out.print(`       ${" ".repeat(7)} fix: ${r.fix}`);
  }
  const count = (s: string) => checks.filter((r) => r.status === s).length;
  const summary = { ok: count("ok"), warn: count("warn"), fail: count("fail") };
  rt.out.print(`${summary.ok} ok, ${summary.warn} warn, ${summary.fail} fail`);
  return {
    data: { service: args.service ?? "all", summary, checks },
    exitCode: summary.fail ? 1 : 0,
  };
}
