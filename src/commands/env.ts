// `efs env …`: the env tracking table (ls, get, set, unset, import, export).
import type { Command } from "commander";
import type { CliContext } from "../context";
import { addTargetOptions, targetFlags } from "./target-options";

// Declares `efs env` and its subcommands.
export function register(program: Command, ctx: CliContext): void {
  const env = program
    .command("env")
    .description("the env tracking table: every variable efs knows, encrypted in .efs/vault.json");

  env
    .command("ls")
    .description("list variables: source, redacted value, where pushed, in sync")
    .option("--set-only", "hide catalog variables that are not set yet")
    .action(async (opts: { setOnly?: boolean }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { envLs } = await import("../handlers/env/ls");
        return envLs(rt, { setOnly: opts.setOnly === true });
      });
    });

  env
    .command("get")
    .description("show one variable (redacted unless --reveal)")
    .argument("<name>", "variable name, e.g. TURSO_AUTH_TOKEN")
    .option("--reveal", "print the real value (only the value, for pipes)")
    .action(async (name: string, opts: { reveal?: boolean }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { envGet } = await import("../handlers/env/get");
        return envGet(rt, { name, reveal: opts.reveal === true });
      });
    });

  env
    .command("set")
    .description("store a value: from stdin (piped) or a hidden prompt")
    .argument("<name>", "variable name, e.g. TURSO_AUTH_TOKEN")
    .option(
      "--value <value>",
      "the value on the command line (visible in shell history and ps; prefer stdin)",
    )
    .option(
      "--source <section>",
      "record where the value came from (default: the catalog's section)",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  printf %s "$TOKEN" | efs env set TURSO_AUTH_TOKEN\n  efs env set TURSO_AUTH_TOKEN          # hidden prompt in a terminal',
    )
    .action(async (name: string, opts: { value?: string; source?: string }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { envSet } = await import("../handlers/env/set");
        return envSet(rt, { name, value: opts.value, source: opts.source });
      });
    });

  env
    .command("unset")
    .description("remove a variable from the vault (asks first; --yes in CI)")
    .argument("<name>", "variable name")
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { envUnset } = await import("../handlers/env/unset");
        return envUnset(rt, { name });
      });
    });

  env
    .command("import")
    .description("import variables from a dotenv or JSON file (validated; all or nothing)")
    .argument("<file>", "a .env file, or a .json file as efs env export --format json writes it")
    .option(
      "--format <format>",
      "dotenv or json (default: json for *.json or a file starting with {)",
    )
    .addHelpText(
      "after",
      "\nRefused (nothing is imported): a name set twice, a line that is not NAME=value, an\nunquoted # inside a value (quote it: KEY='abc#def'), text that is not UTF-8, and values\nefs env set refuses. Rules: docs/vault.md#import-rules",
    )
    .action(async (file: string, opts: { format?: string }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { envImport } = await import("../handlers/env/import");
        return envImport(rt, { file, format: opts.format });
      });
    });

  env
    .command("export")
    .description("export values as dotenv or JSON: to a 0600 file (--out) or stdout (--reveal)")
    .option("--format <format>", "dotenv or json", "dotenv")
    .option("--out <file>", "write to this file with mode 0600")
    .option("--reveal", "print the values on stdout")
    .action(async (opts: { format: string; out?: string; reveal?: boolean }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { envExport } = await import("../handlers/env/export");
        return envExport(rt, { format: opts.format, out: opts.out, reveal: opts.reveal === true });
      });
    });

  addTargetOptions(
    env
      .command("push")
      .description(
        "push variables to Vercel, Render, Modal secrets and GitHub secrets (plan first)",
      )
      .option("--target <target>", "vercel, render, modal, modal:<secret> or github (default: all)")
      .option("--dry-run", "print the plan only; exit 2 when changes are pending")
      .option("--prune", "also delete keys only the target has (never without this flag)")
      .option("--redeploy", "redeploy each changed service once, without asking"),
  ).action(
    async (
      opts: { target?: string; dryRun?: boolean; prune?: boolean; redeploy?: boolean },
      cmd: Command,
    ) => {
      await ctx.run(cmd, async (rt) => {
        const { envPush } = await import("../handlers/env/push");
        return envPush(rt, {
          target: opts.target,
          dryRun: opts.dryRun === true,
          prune: opts.prune === true,
          redeploy: opts.redeploy === true,
          flags: targetFlags(opts),
        });
      });
    },
  );

  addTargetOptions(
    env
      .command("status")
      .description(
        "drift report: missing, differs, changed out of band, unverifiable (writes nothing)",
      )
      .option(
        "--target <target>",
        "vercel, render, modal, modal:<secret> or github (default: all)",
      ),
  ).action(async (opts: { target?: string }, cmd: Command) => {
    await ctx.run(cmd, async (rt) => {
      const { envStatus } = await import("../handlers/env/status");
      return envStatus(rt, { target: opts.target, flags: targetFlags(opts) });
    });
  });
}
