// `efs verify [service]`: the checklist's verifications and troubleshooting diagnoses.
import type { Command } from "commander";
import type { CliContext } from "../context";
import { addTargetOptions, targetFlags } from "./target-options";

// Declares `efs verify`.
export function register(program: Command, ctx: CliContext): void {
  addTargetOptions(
    program
      .command("verify")
      .description("check that every service works and agrees with the vault (OK/WARN/FAIL)")
      .argument("[service]", "r2, turso, modal, webhook, vercel, render or github (default: all)"),
  ).action(async (service: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
    await ctx.run(cmd, async (rt) => {
      const { verify } = await import("../handlers/verify/handler");
      return verify(rt, { service, flags: targetFlags(opts) });
    });
  });
}
