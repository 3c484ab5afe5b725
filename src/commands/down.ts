// `efs down`: stops the studio `efs up` started.
import { type Command, InvalidArgumentError } from "commander";
import type { CliContext } from "../context";

// Declares `efs down [--data-dir] [--timeout]`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("down")
    .description("stop the studio started by efs up (no processes left behind)")
    .option("--data-dir <dir>", "the data dir efs up used (default .efs/local)")
    .option(
      "--timeout <s>",
      "seconds to wait before SIGKILL",
      (v: string) => {
        const n = Number(v);
        if (!(n > 0 && n <= 600)) throw new InvalidArgumentError("--timeout must be 1–600 seconds");
        return n;
      },
      15,
    )
    .action(async (opts: { dataDir?: string; timeout: number }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { down } = await import("../handlers/down/handler");
        return down(rt, { dataDir: opts.dataDir, timeoutSec: opts.timeout });
      });
    });
}
