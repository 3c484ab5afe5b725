// `efs doctor --fix`: installs missing system packages with apt-get (after confirmation)
// and the git pre-commit guard.
import { EfsError } from "../errors";
import { runChild } from "../exec/run-child";
import type { Runtime } from "../runtime";
import { installHook } from "../vault/hook";
import { which } from "./probe";
import type { CheckResult } from "./types";

/** What --fix did. */
export interface FixReport {
  readonly installed: readonly string[];
  readonly hook: boolean;
}

// Applies the fixes the failed/warned checks offer.
export async function applyFixes(rt: Runtime, results: readonly CheckResult[]): Promise<FixReport> {
  const broken = results.filter((r) => r.status !== "ok");
  const packages = [...new Set(broken.flatMap((r) => r.apt ?? []))];
  const installed: string[] = [];
  if (packages.length > 0) {
    const apt = which("apt-get", rt.env);
    if (!apt) {
      throw new EfsError(
        `Cannot install ${packages.join(", ")}: apt-get is not available on this system`,
        {
          fix: `install them with your package manager (e.g. brew install ${packages.join(" ")})`,
          code: "NO_PACKAGE_MANAGER",
        },
      );
    }
    const sudo = process.getuid?.() === 0 ? null : which("sudo", rt.env);
    const ok = await rt.prompter.confirm({
      message: `Install ${packages.join(", ")} with apt-get${sudo ? " (sudo)" : ""}?`,
      flag: "--yes",
    });
    if (!ok) throw new EfsError("Nothing installed: declined", { code: "DECLINED", exitCode: 2 });
    const run = async (args: string[]) => {
      const [cmd, ...rest] = sudo ? [sudo, apt, ...args] : [apt, ...args];
      const res = await runChild(cmd ?? apt, rest, {
        redactor: rt.redactor,
        env: { DEBIAN_FRONTEND: "noninteractive" },
        passthrough: rt.globals.json
          ? undefined
          : { write: (s: string) => rt.out.info(s.replace(/\n$/, "")) },
        log: (l) => rt.out.debug(l),
        signal: rt.signal,
      });
      if (res.exitCode !== 0) {
        throw new EfsError(`apt-get ${args[0]} failed (exit ${res.exitCode})`, {
          fix: `run it yourself: ${sudo ? "sudo " : ""}apt-get install -y ${packages.join(" ")}`,
          code: "APT_FAILED",
        });
      }
    };
    await run(["update", "-qq"]);
    await run(["install", "-y", "-qq", "--no-install-recommends", ...packages]);
    installed.push(...packages);
  }
  let hook = false;
  if (broken.some((r) => r.fixHook)) {
    const res = await installHook(rt.cwd, rt.env);
    rt.out.success(`pre-commit guard ${res.action}: ${res.path}`);
    hook = true;
  }
  return { installed, hook };
}
