// The flags naming the stack's resources, shared by verify, env push/status and rotate
// (efs init declares the same flags with its defaults). Each falls back to its env twin,
// then to what the vault records, in the order docs/verify.md gives.
import type { Command } from "commander";
import type { InitFlags } from "../checklist/inputs";

// Adds the resource flags to `cmd`.
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option("--vercel-project <name>", "Vercel project name or id (env EFS_VERCEL_PROJECT)")
    .option("--vercel-team <id>", "Vercel team id team_… (env VERCEL_TEAM_ID)")
    .option("--render-service <name>", "Render worker name or id (env EFS_RENDER_SERVICE)")
    .option("--render-owner <id>", "Render workspace id (env RENDER_OWNER_ID)")
    .option("--turso-org <slug>", "Turso organization (env TURSO_ORG)")
    .option("--db <name>", "Turso database (env EFS_DB)")
    .option("--bucket <name>", "R2 bucket (env EFS_BUCKET)")
    .option(
      "--bucket-jurisdiction <j>",
      "R2 jurisdiction: default, eu or fedramp (env EFS_BUCKET_JURISDICTION)",
    )
    .option("--cloudflare-account <id>", "Cloudflare account id (env CLOUDFLARE_ACCOUNT_ID)")
    .option("--github-repo <owner/name>", "GitHub repository (env GITHUB_REPOSITORY)");
}

// The resource flags out of a command's parsed options.
export function targetFlags(opts: Record<string, unknown>): InitFlags {
  const str = (k: string) => (typeof opts[k] === "string" ? (opts[k] as string) : undefined);
  return {
    vercelProject: str("vercelProject"),
    vercelTeam: str("vercelTeam"),
    renderService: str("renderService"),
    renderOwner: str("renderOwner"),
    tursoOrg: str("tursoOrg"),
    db: str("db"),
    bucket: str("bucket"),
    bucketJurisdiction: str("bucketJurisdiction"),
    cloudflareAccount: str("cloudflareAccount"),
    githubRepo: str("githubRepo"),
  };
}
