// `efs destroy`: removes what efs init created (flags and help; handler: src/handlers/destroy/).
import type { Command } from "commander";
import type { CliContext } from "../context";
import { addTargetOptions, targetFlags } from "./target-options";

const SECTIONS = "github, render, vercel, modal, turso, r2";

const HELP = `
Sections, in the order they are removed: ${SECTIONS} — the reverse of efs init.
First a plan: every resource efs init recorded, marked delete / keep / gone, with what is lost
(objects and bytes in the bucket, job rows in the database). Then the typed project name
(the project directory's name): at a prompt, or --yes --confirm <name> in CI (never a bare
--yes). Resources efs init adopted (they existed before it) are kept unless --include-adopted.

Each delete is journaled in the vault: a killed run resumes where it stopped, deletes nothing
twice and treats what is already gone as done. The vault keeps the generated secrets and
records what was destroyed; efs init builds everything again.

Names and credentials resolve as for efs init and efs verify: a flag, then its env twin, then
what the vault records (the names efs init used), then the checklist's defaults. Credentials:
CLOUDFLARE_API_TOKEN, TURSO_API_TOKEN, VERCEL_TOKEN (or the vault's), RENDER_API_KEY,
GITHUB_TOKEN, a Modal token; the bucket is emptied with the vault's R2 keys.

Examples:
  efs destroy --plan                              what would be deleted (exit 2 if anything)
  efs destroy                                     asks for the project name
  CI=true efs destroy --yes --confirm my-studio   non-interactive
  efs destroy --only modal,vercel                 some sections only

Exit codes: 0 done (or nothing to do), 1 error, 2 --plan with deletions pending or a usage
error (missing/wrong --confirm), 130 interrupted.
Docs: docs/ops.md`;

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",")];

// Declares `efs destroy`.
export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("destroy")
    .description("remove what efs init created, in reverse order (planned, confirmed, resumable)")
    .option("--plan", "print the plan and change nothing (exit 2 when something would be deleted)")
    .option("--only <sections>", `only these sections (comma-separated: ${SECTIONS})`, list)
    .option("--confirm <name>", "the project name, typed (with --yes in CI)")
    .option("--include-adopted", "also delete resources efs init adopted instead of creating");
  addTargetOptions(cmd)
    .option("--r2-token <name>", "R2 API token name (env EFS_R2_TOKEN_NAME)")
    .addHelpText("after", HELP)
    .action(async (opts: Record<string, unknown>, c: Command) => {
      await ctx.run(c, async (rt) => {
        const { destroy } = await import("../handlers/destroy/handler");
        return destroy(rt, {
          flags: {
            ...targetFlags(opts),
            r2Token: typeof opts.r2Token === "string" ? opts.r2Token : undefined,
          },
          only: opts.only as string[] | undefined,
          plan: opts.plan === true,
          confirm: opts.confirm as string | undefined,
          includeAdopted: opts.includeAdopted === true,
        });
      });
    });
}
