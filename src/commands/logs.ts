// `efs logs`: the log files of the studio `efs up` runs.
import { type Command, InvalidArgumentError } from "commander";
import type { CliContext } from "../context";

// Declares `efs logs [service] [-f] [-n lines] [--data-dir]`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("logs")
    .description("print the logs of efs up (web, worker-N, renderer, up); -f follows")
    .argument("[service]", "web | worker-1 | renderer | up (default: all)")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .option(
      "-n, --lines <n>",
      "lines to show first",
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("--lines must be ≥ 0");
        return n;
      },
      50,
    )
    .option("--data-dir <dir>", "the data dir efs up used (default .efs/local)")
    .action(
      async (
        service: string | undefined,
        opts: { follow?: boolean; lines: number; dataDir?: string },
        cmd: Command,
      ) => {
        await ctx.run(cmd, async (rt) => {
          const { logs } = await import("../handlers/logs/handler");
          return logs(rt, {
            service,
            dataDir: opts.dataDir,
            follow: opts.follow === true,
            lines: opts.lines,
          });
        });
      },
    );
}
