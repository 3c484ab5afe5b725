// `efs init`: the provisioning wizard (flags and help only; the handler is src/handlers/init/).
import { type Command, InvalidArgumentError } from "commander";
import type { CliContext } from "../context";

const SECTIONS = "templates, r2, turso, modal, webhook, vercel, render, github";

const HELP = `
Sections, in order: ${SECTIONS}.
Each one plans (create / adopt / skip), prints the targets, applies, verifies, and records
every value in the encrypted vault (.efs/vault.json). Re-running is safe: finished sections
are skipped and existing resources are adopted by name.

Names: a flag wins, then its env twin, then the name the vault recorded, then the manual
checklist's (bucket ethereal-flame-studio, R2 token ethereal-flame-studio-prod, database
ethereal-flame-studio, worker ethereal-flame-worker), so resources made by hand are adopted.
A name or choice that differs from what a finished section recorded (--bucket,
--bucket-jurisdiction, --db, …) stops init before any change (exit 2): keep the recorded
value, or re-create the section with --only <section> --force-step <section>.
The worker goes to the Render region next to the Turso database; --plan shows each choice.
The Vercel project runs Node.js 24.x.

Credentials (environment variables; asked with a hidden prompt in a terminal):
  CLOUDFLARE_API_TOKEN   dash.cloudflare.com/profile/api-tokens — "Workers R2 Storage: Edit"
                         + "API Tokens: Edit"; with CLOUDFLARE_ACCOUNT_ID (or --cloudflare-account)
  TURSO_API_TOKEN        turso auth api-tokens mint efs   (or a \`turso auth login\` session)
  MODAL_TOKEN_ID/SECRET  modal.com/settings/tokens        (or \`modal token new\`)
  VERCEL_TOKEN           vercel.com/account/tokens, scoped to the team (--vercel-team)
  RENDER_API_KEY         dashboard.render.com/u/settings#api-keys
  RENDER_DEPLOY_HOOK_URL the worker's Settings → Deploy Hook (secret; env preferred)
  GITHUB_TOKEN           fine-grained token with Secrets: Read and write on the repository

Examples:
  efs init --plan                        show what would change; exit 2 if anything would
  efs init                               interactive wizard
  CI=true efs init --yes                 non-interactive (every answer from env/flags)
  efs init --only turso                  one section
  efs init --from vercel                 resume from a section
  efs init --force-step r2               redo a finished section (adopts what exists)
  efs init --unlock                      remove the lock left by a killed run on another host

Exit codes: 0 done, 1 error, 2 changes pending (--plan), a missing answer/flag or a flag a
finished section contradicts, 130 interrupted.
Docs: docs/init.md`;

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",")];

// Declares `efs init`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description(
      "provision the cloud stack section by section (R2, Turso, Modal, secrets, Vercel, Render, GitHub)",
    )
    .option("--plan", "print the plan and change nothing (exit 2 when changes are pending)")
    .option("--only <sections>", `run only these sections (comma-separated: ${SECTIONS})`, list)
    .option("--from <section>", "start at this section (resume)")
    .option("--force-step <sections>", "redo finished sections (comma-separated)", list)
    .option("--unlock", "remove a stale init lock and exit")
    .option("--overwrite", "replace existing deploy.yml / render.yaml / .env.example")
    .option("--cloudflare-account <id>", "Cloudflare account id (env CLOUDFLARE_ACCOUNT_ID)")
    .option("--bucket <name>", "R2 bucket (env EFS_BUCKET; default ethereal-flame-studio)")
    .option(
      "--r2-token <name>",
      "R2 API token name (env EFS_R2_TOKEN_NAME; default ethereal-flame-studio-prod)",
    )
    .option("--bucket-location <hint>", "R2 location hint: apac, eeur, enam, weur, wnam, oc")
    .option(
      "--upload-retention-days <n>",
      "days before R2's lifecycle rule deletes uploads/ objects (default 7)",
      (v: string) => {
        const n = Number(v);
        if (!(Number.isInteger(n) && n >= 1 && n <= 3650))
          throw new InvalidArgumentError("--upload-retention-days must be a whole number, 1–3650");
        return n;
      },
    )
    .option(
      "--bucket-jurisdiction <j>",
      "R2 jurisdiction of the bucket: default, eu or fedramp (env EFS_BUCKET_JURISDICTION); recorded as R2_JURISDICTION, from which the apps derive the bucket's S3 endpoint",
    )
    .option("--turso-org <slug>", "Turso organization (default: the only one)")
    .option("--turso-group <name>", "Turso group (default: default)")
    .option("--region <location>", "Turso group location (default aws-us-east-1)")
    .option("--db <name>", "Turso database (env EFS_DB; default ethereal-flame-studio)")
    .option(
      "--vercel-project <name>",
      "Vercel project (env EFS_VERCEL_PROJECT; default ethereal-flame-studio)",
    )
    .option("--vercel-team <id>", "Vercel team id team_… (env VERCEL_TEAM_ID)")
    .option("--app-url <url>", "production URL when it is a custom domain")
    .option("--render-owner <id>", "Render workspace id (default: the only one)")
    .option(
      "--render-service <name>",
      "Render background worker (env EFS_RENDER_SERVICE; default ethereal-flame-worker)",
    )
    .option(
      "--render-region <region>",
      "Render region for a new worker (default: next to the Turso database, e.g. aws-us-east-1 → virginia)",
    )
    .option("--render-plan <plan>", "Render plan for a new worker (default starter)")
    .option(
      "--render-deploy-hook <url>",
      "the worker's deploy hook (prefer env RENDER_DEPLOY_HOOK_URL)",
    )
    .option("--github-repo <owner/name>", "GitHub repository (default: from git remote origin)")
    .option("--branch <name>", "branch the worker deploys (default main)")
    .addHelpText("after", HELP)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { init } = await import("../handlers/init/handler");
        return init(rt, {
          flags: opts,
          only: opts.only as string[] | undefined,
          from: opts.from as string | undefined,
          forceStep: opts.forceStep as string[] | undefined,
          plan: opts.plan === true,
          unlock: opts.unlock === true,
        });
      });
    });
}
