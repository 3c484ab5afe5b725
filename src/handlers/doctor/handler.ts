// `efs doctor [--fix]`: one OK/WARN/FAIL line per prerequisite, with the fixing command.

import type { CommandResult, Runtime } from "../../runtime";
import { nodeCheck, toolChecks } from "../../system/checks-tools";
import { applyFixes, type FixReport } from "../../system/fix";
import type { Check, CheckContext, CheckResult } from "../../system/types";
import { webglCheck } from "../../system/webgl";
import { gitCheck, vaultCheck } from "./checks-project";
import { tokenChecks } from "./checks-tokens";

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
