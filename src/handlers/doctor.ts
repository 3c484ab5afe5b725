// `efs doctor [--fix]`: one OK/WARN/FAIL line per prerequisite, with the fixing command.
import { gitCheck, vaultCheck } from "../doctor/checks-project";
import { tokenChecks } from "../doctor/checks-tokens";
import { nodeCheck, toolChecks } from "../doctor/checks-tools";
import { applyFixes, type FixReport } from "../doctor/fix";
import type { Check, CheckContext, CheckResult } from "../doctor/types";
import { webglCheck } from "../doctor/webgl";
import type { CommandResult, Runtime } from "../runtime";

const CHECKS: readonly Check[] = [
  nodeCheck,
  ...toolChecks,
  webglCheck,
  tokenChecks,
  vaultCheck,
  gitCheck,
];

async function runChecks(ctx: CheckContext): Promise<CheckResult[]> {
  const out = await Promise.all(CHECKS.map((c) => c(ctx)));
  return out.flat();
}

function print(rt: Runtime, results: readonly CheckResult[]): void {
  const c = rt.out.color;
  const label = { ok: c.green("OK  "), warn: c.yellow("WARN"), fail: c.red("FAIL") } as const;
  const width = Math.max(...results.map((r) => r.title.length));
  for (const r of results) {
    rt.out.print(`${label[r.status]}  ${r.title.padEnd(width)}  ${r.detail}`);
    if (r.status !== "ok" && r.fix)
      rt.out.print(`      ${" ".repeat(width)}  ${c.cyan("→")} ${r.fix}`);
  }
}

// Runs every check (and with --fix, the fixes, then the checks again); exit 1 on any FAIL.
export async function doctor(
  rt: Runtime,
  args: { fix: boolean; webgl: boolean },
): Promise<CommandResult> {
  const ctx: CheckContext = { cwd: rt.cwd, env: rt.env, signal: rt.signal, webgl: args.webgl };
  let results = await runChecks(ctx);
  let fixed: FixReport | null = null;
  if (args.fix && results.some((r) => r.status !== "ok" && (r.apt?.length || r.fixHook))) {
    print(rt, results);
    fixed = await applyFixes(rt, results);
    rt.out.info("Re-checking…");
    results = await runChecks(ctx);
  }
  print(rt, results);
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const failed = count("fail");
  rt.out.info(`${count("ok")} ok, ${count("warn")} warnings, ${failed} failures`);
  return {
    data: {
      checks: results,
      fixed,
      summary: { ok: count("ok"), warn: count("warn"), fail: failed },
    },
    exitCode: failed ? 1 : 0,
  };
}
