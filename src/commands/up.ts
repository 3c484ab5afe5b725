// `efs up`: the whole studio on one machine with embedded defaults.
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CliContext } from "../context";

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(
      `${name} must be a whole number from ${min} to ${max} (got "${v}")`,
    );
  }
  return n;
};

interface UpOpts {
  port: number;
  dataDir?: string;
  workers: number;
  detach?: boolean;
  clean?: boolean;
  supervise?: boolean;
  build: boolean;
  readyTimeout: number;
  s3?: string;
  bucket?: string;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
}

// Declares `efs up [--port] [--data-dir] [--workers] [--detach] [--clean] [--s3 …]`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("up")
    .description("run the whole studio on this machine (web app, worker, local renderer)")
    .option("--port <n>", "web app port", int("--port", 1, 65535), 3000)
    .option("--data-dir <dir>", "jobs, files, secrets and logs (default .efs/local)")
    .option("--workers <n>", "worker processes", int("--workers", 1, 16), 1)
    .option("-d, --detach", "run in the background (efs logs, efs down)")
    .option("--clean", "delete the data dir first (asks; --yes in CI)")
    .option("--s3 <endpoint>", "store files on an S3-compatible server instead of local files")
    .option("--bucket <name>", "bucket for --s3 (default efs-local)")
    .option("--s3-access-key-id <id>", "access key for --s3 (or S3_ACCESS_KEY_ID)")
    .option("--s3-secret-access-key <key>", "secret key for --s3 (prefer S3_SECRET_ACCESS_KEY)")
    .option("--no-build", "do not build the web app even when it looks stale")
    .option(
      "--ready-timeout <s>",
      "how long to wait for readiness",
      int("--ready-timeout", 5, 3600),
      300,
    )
    .addOption(new Option("--supervise").hideHelp())
    .action(async (opts: UpOpts, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { up } = await import("../handlers/up/handler");
        return up(rt, {
          port: opts.port,
          dataDir: opts.dataDir,
          workers: opts.workers,
          detach: opts.detach === true,
          clean: opts.clean === true,
          supervise: opts.supervise === true,
          build: opts.build !== false,
          readyTimeoutSec: opts.readyTimeout,
          s3: opts.s3
            ? {
                endpoint: opts.s3,
                bucket: opts.bucket,
                accessKeyId: opts.s3AccessKeyId,
                secretAccessKey: opts.s3SecretAccessKey,
              }
            : undefined,
        });
      });
    });
}
