// `efs status`: one screen of a running stack (local efs up, or production from the vault).
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CliContext } from "../context";

const HELP = `
Shows: app health (version, backends), jobs by status and type, the oldest pending job,
failures of the last 24 h with their reasons, stuck jobs, renders dispatched to the renderer
(call id, age, progress), each worker's last heartbeat, storage objects and bytes per prefix,
and (production) a one-line env drift summary.

Exit codes: 0 healthy; 1 unhealthy — failing health, unreadable job store or storage, no live
worker, a worker that stopped heartbeating (EFS_HEARTBEAT_MAX_AGE_MS, default 5 min) without
shutting down, jobs stuck past their lease or render deadline; 2 usage; 130 Ctrl-C (--watch).

Examples:
  efs status                            the studio efs up runs (.efs/local)
  efs status --target production        Turso, R2 and /api/health from the vault (read-only)
  efs status --watch --interval 10      refresh in place until Ctrl-C
  efs status --json | jq .data.jobs     one JSON document (one per refresh with --watch)
Docs: docs/ops.md`;

// Declares `efs status [--target local|production] [--url] [--data-dir] [--watch]`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("one screen of a running stack: health, queue, workers, renders, storage")
    .addOption(
      new Option("--target <target>", "local (efs up) or production (from the vault)")
        .choices(["local", "production"])
        .default("local"),
    )
    .option("--url <url>", "the studio origin (default: efs up's URL, or NEXT_PUBLIC_APP_URL)")
    .option("--data-dir <dir>", "efs up's data dir (local; default .efs/local)")
    .option("-w, --watch", "refresh in place until Ctrl-C")
    .option(
      "--interval <s>",
      "seconds between refreshes with --watch",
      (v: string) => {
        const n = Number(v);
        if (!(Number.isInteger(n) && n >= 1 && n <= 3600))
          throw new InvalidArgumentError("--interval must be a whole number of seconds, 1–3600");
        return n;
      },
      5,
    )
    .addHelpText("after", HELP)
    .action(
      async (
        opts: {
          target: "local" | "production";
          url?: string;
          dataDir?: string;
          watch?: boolean;
          interval: number;
        },
        cmd: Command,
      ) => {
        await ctx.run(cmd, async (rt) => {
          const { status } = await import("../handlers/status/handler");
          return status(rt, {
            target: opts.target,
            url: opts.url,
            dataDir: opts.dataDir,
            watch: opts.watch === true,
            intervalSec: opts.interval,
          });
        });
      },
    );
}
