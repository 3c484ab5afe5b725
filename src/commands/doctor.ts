// `efs doctor`: checks the machine and the project.
import type { Command } from "commander";
import type { CliContext } from "../context";

// Declares `efs doctor [--fix] [--no-webgl]`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description("check tools, provider tokens, the vault and git; --fix installs what it can")
    .option(
      "--fix",
      "install missing system packages with apt-get (asks first; --yes in CI) and the pre-commit guard",
    )
    .option("--no-webgl", "skip launching Chromium to test WebGL")
    .action(async (opts: { fix?: boolean; webgl: boolean }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { doctor } = await import("../handlers/doctor/handler");
        return doctor(rt, { fix: opts.fix === true, webgl: opts.webgl !== false });
      });
    });
}
