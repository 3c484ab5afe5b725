// `efs smoke`: end-to-end check of a running studio (upload → ingest → playback → render → MP4).
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CliContext } from "../context";

const positive = (name: string, max: number) => (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n <= max))
    throw new InvalidArgumentError(`${name} must be a number from 1 to ${max}`);
  return n;
};

interface SmokeOpts {
  target: "local" | "production";
  url?: string;
  dataDir?: string;
  render: boolean;
  keep?: boolean;
  renderSeconds: number;
  timeout: number;
}

// Declares `efs smoke [--target local|production] [--url] [--no-render] [--keep]`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("smoke")
    .description("end-to-end test of a running studio: upload, ingest, playback, render, download")
    .addOption(
      new Option("--target <target>", "local (efs up) or production (vault URL + access key)")
        .choices(["local", "production"])
        .default("local"),
    )
    .option(
      "--url <url>",
      "the studio origin (default: efs up's URL, or NEXT_PUBLIC_APP_URL from the vault)",
    )
    .option("--data-dir <dir>", "efs up's data dir, to find its URL (default .efs/local)")
    .option("--no-render", "stop after playback (no render, no download)")
    .option("--keep", "keep the test jobs and objects")
    .option(
      "--render-seconds <s>",
      "length of the test render",
      positive("--render-seconds", 30),
      2,
    )
    .option("--timeout <s>", "limit for each job to finish", positive("--timeout", 3600), 600)
    .action(async (opts: SmokeOpts, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { smoke } = await import("../handlers/smoke/handler");
        return smoke(rt, {
          target: opts.target,
          url: opts.url,
          dataDir: opts.dataDir,
          render: opts.render !== false,
          keep: opts.keep === true,
          renderSeconds: opts.renderSeconds,
          timeoutSec: opts.timeout,
        });
      });
    });
}
