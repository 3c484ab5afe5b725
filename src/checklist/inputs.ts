// Everything `efs init`, `verify`, `env push/status` and `rotate` can be told about the
// stack (credentials, Vercel team, resource names), resolved once at the edge, in one order
// for every command: flag → environment variable → what the vault records → default.
import { usageError } from "../errors";
import { JURISDICTIONS, type Jurisdiction } from "../providers/cloudflare";
import type { VaultState } from "../vault/state";
import { readJournal } from "./journal";

export interface InitInputs {
  readonly cloudflareToken?: string;
  readonly cloudflareAccountId?: string;
  readonly bucket: string;
  readonly bucketLocation?: string;
  readonly bucketJurisdiction: Jurisdiction;
  readonly tursoToken?: string;
  readonly tursoOrg?: string;
  readonly tursoGroup: string;
  readonly region: string;
  readonly db: string;
  readonly modalAppFile: string;
  readonly vercelToken?: string;
  readonly vercelTeam?: string;
  readonly vercelProject: string;
  readonly appUrl?: string;
  readonly renderApiKey?: string;
  readonly renderOwner?: string;
  readonly renderService: string;
  readonly renderRegion: string;
  readonly renderPlan: string;
  readonly renderDeployHook?: string;
  readonly githubToken?: string;
  readonly githubRepo?: string;
  readonly branch: string;
  readonly overwrite: boolean;
}

export const DEFAULTS = Object.freeze({
  bucket: "efs-media",
  tursoGroup: "default",
  region: "aws-us-east-1",
  db: "efs-jobs",
  modalAppFile: "modal_app/app.py",
  vercelProject: "efs-web",
  renderService: "efs-worker",
  renderRegion: "oregon",
  renderPlan: "starter",
  branch: "main",
});

export interface InitFlags {
  cloudflareAccount?: string;
  bucket?: string;
  bucketLocation?: string;
  bucketJurisdiction?: string;
  tursoOrg?: string;
  tursoGroup?: string;
  region?: string;
  db?: string;
  vercelProject?: string;
  vercelTeam?: string;
  appUrl?: string;
  renderOwner?: string;
  renderService?: string;
  renderRegion?: string;
  renderPlan?: string;
  renderDeployHook?: string;
  githubRepo?: string;
  branch?: string;
  overwrite?: boolean;
}

const clean = (v: string | undefined) =>
  v === undefined || v.trim() === "" ? undefined : v.trim();

/** What an earlier `efs init` recorded in the vault (values and the init journal). */
export interface Recorded {
  cloudflareAccountId?: string;
  bucket?: string;
  bucketJurisdiction?: string;
  db?: string;
  vercelToken?: string;
  vercelTeam?: string;
  vercelProject?: string;
  renderService?: string;
}

// The names and ids a vault records: catalog values first, then the init journal's ids.
export function recorded(state: VaultState | undefined): Recorded {
  if (!state) return {};
  const journal = readJournal(state);
  const org = state.get("VERCEL_ORG_ID");
  return {
    cloudflareAccountId: state.get("R2_ACCOUNT_ID"),
    bucket: state.get("R2_BUCKET_NAME") ?? journal.r2?.resources.bucket?.id,
    bucketJurisdiction: journal.r2?.resources.bucket?.meta?.jurisdiction,
    db: journal.turso?.resources.database?.id,
    vercelToken: state.get("VERCEL_TOKEN"),
    vercelTeam: org?.startsWith("team_") ? org : undefined,
    vercelProject: state.get("VERCEL_PROJECT_ID") ?? journal.vercel?.resources.project?.id,
    renderService: journal.render?.resources.service?.id,
  };
}

function jurisdiction(value: string | undefined): Jurisdiction {
  const v = clean(value) ?? "default";
  if (!(JURISDICTIONS as readonly string[]).includes(v))
    throw usageError(
      `--bucket-jurisdiction ${v}: not an R2 jurisdiction`,
      `use one of: ${JURISDICTIONS.join(", ")}`,
    );
  return v as Jurisdiction;
}

// Resolves a run's inputs: flags first, then env, then what `state` (the vault) records,
// then defaults. Credentials come from env, else the vault (VERCEL_TOKEN is kept there for
// the deploy workflow); a Render service recorded by init is its id (srv-…), found by id.
export function resolveInputs(
  flags: InitFlags,
  env: Readonly<NodeJS.ProcessEnv>,
  state?: VaultState,
): InitInputs {
  const r = recorded(state);
  return Object.freeze({
    cloudflareToken: clean(env.CLOUDFLARE_API_TOKEN),
    cloudflareAccountId:
      clean(flags.cloudflareAccount ?? env.CLOUDFLARE_ACCOUNT_ID) ?? r.cloudflareAccountId,
    bucket: clean(flags.bucket ?? env.EFS_BUCKET) ?? r.bucket ?? DEFAULTS.bucket,
    bucketLocation: clean(flags.bucketLocation),
    bucketJurisdiction: jurisdiction(
      flags.bucketJurisdiction ?? env.EFS_BUCKET_JURISDICTION ?? r.bucketJurisdiction,
    ),
    tursoToken: clean(env.TURSO_API_TOKEN),
    tursoOrg: clean(flags.tursoOrg ?? env.TURSO_ORG),
    tursoGroup: clean(flags.tursoGroup) ?? DEFAULTS.tursoGroup,
    region: clean(flags.region) ?? DEFAULTS.region,
    db: clean(flags.db ?? env.EFS_DB) ?? r.db ?? DEFAULTS.db,
    modalAppFile: DEFAULTS.modalAppFile,
    vercelToken: clean(env.VERCEL_TOKEN) ?? r.vercelToken,
    vercelTeam: clean(flags.vercelTeam ?? env.VERCEL_TEAM_ID) ?? r.vercelTeam,
    vercelProject:
      clean(flags.vercelProject ?? env.EFS_VERCEL_PROJECT) ??
      r.vercelProject ??
      DEFAULTS.vercelProject,
    appUrl: clean(flags.appUrl ?? env.EFS_APP_URL),
    renderApiKey: clean(env.RENDER_API_KEY),
    renderOwner: clean(flags.renderOwner ?? env.RENDER_OWNER_ID),
    renderService:
      clean(flags.renderService ?? env.EFS_RENDER_SERVICE) ??
      r.renderService ??
      DEFAULTS.renderService,
    renderRegion: clean(flags.renderRegion) ?? DEFAULTS.renderRegion,
    renderPlan: clean(flags.renderPlan) ?? DEFAULTS.renderPlan,
    renderDeployHook: clean(flags.renderDeployHook ?? env.RENDER_DEPLOY_HOOK_URL),
    githubToken: clean(env.GITHUB_TOKEN ?? env.GH_TOKEN),
    githubRepo: clean(flags.githubRepo ?? env.GITHUB_REPOSITORY),
    branch: clean(flags.branch) ?? DEFAULTS.branch,
    overwrite: flags.overwrite === true,
  });
}
