// `efs destroy`: removes what efs init created (flags and help; the handler is src/destroy).
import type { Command } from "commander";
import type { CliContext } from "../context";

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

Credentials: as for efs init (CLOUDFLARE_API_TOKEN, TURSO_API_TOKEN, VERCEL_TOKEN (or the
vault's), RENDER_API_KEY, GITHUB_TOKEN, a Modal token); the bucket is emptied with the vault's
R2 keys.

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
  program
    .command("destroy")
    .description("remove what efs init created, in reverse order (planned, confirmed, resumable)")
    .option("--plan", "print the plan and change nothing (exit 2 when something would be deleted)")
    .option("--only <sections>", `only these sections (comma-separated: ${SECTIONS})`, list)
    .option("--confirm <name>", "the project name, typed (with --yes in CI)")
    .option("--include-adopted", "also delete resources efs init adopted instead of creating")
    .option(
      "--cloudflare-account <id>",
      "Cloudflare account id (default: the vault's R2_ACCOUNT_ID)",
    )
    .option("--turso-org <slug>", "Turso organization (default: the one holding the database)")
    .option("--vercel-team <id>", "Vercel team id team_… (default: the vault's VERCEL_ORG_ID)")
    .option("--github-repo <owner/name>", "GitHub repository (default: from git remote origin)")
    .addHelpText("after", HELP)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { destroy } = await import("../destroy/handler");
        return destroy(rt, {
          flags: opts,
          only: opts.only as string[] | undefined,
          plan: opts.plan === true,
          confirm: opts.confirm as string | undefined,
          includeAdopted: opts.includeAdopted === true,
        });
      });
    });
}
