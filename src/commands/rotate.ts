// `efs rotate <what>`: replace a secret everywhere without downtime; resumable.
import type { Command } from "commander";
import type { CliContext } from "../context";
import { addTargetOptions, targetFlags } from "./target-options";

// Declares `efs rotate`.
export function register(program: Command, ctx: CliContext): void {
  addTargetOptions(
    program
      .command("rotate")
      .description(
        "rotate a secret: new value → every target → redeploy → verify → retire the old one",
      )
      .argument("<what>", "webhook-secret, modal-token, turso-token or access-key"),
  ).action(async (what: string, opts: Record<string, unknown>, cmd: Command) => {
    await ctx.run(cmd, async (rt) => {
      const { rotate } = await import("../handlers/rotate/handler");
      return rotate(rt, { what, flags: targetFlags(opts) });
    });
  });
}
