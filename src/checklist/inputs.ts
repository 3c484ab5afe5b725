// Everything `efs init` can be told through flags or env, resolved once at the edge.
import { DEFAULT_UPLOAD_RETENTION_DAYS } from "@efs/core/storage/retention";

export interface InitInputs {
  readonly cloudflareToken?: string;
  readonly cloudflareAccountId?: string;
  readonly bucket: string;
  readonly bucketLocation?: string;
  // Days after which R2's lifecycle rule deletes uploads/ objects.
  readonly uploadRetentionDays: number;
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
  uploadRetentionDays?: number;
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

// Merges flags (first), env (second) and defaults into the inputs of a run.
export function resolveInputs(flags: InitFlags, env: Readonly<NodeJS.ProcessEnv>): InitInputs {
  return Object.freeze({
    cloudflareToken: clean(env.CLOUDFLARE_API_TOKEN),
    cloudflareAccountId: clean(flags.cloudflareAccount ?? env.CLOUDFLARE_ACCOUNT_ID),
    bucket: clean(flags.bucket ?? env.EFS_BUCKET) ?? DEFAULTS.bucket,
    bucketLocation: clean(flags.bucketLocation),
    uploadRetentionDays: flags.uploadRetentionDays ?? DEFAULT_UPLOAD_RETENTION_DAYS,
    tursoToken: clean(env.TURSO_API_TOKEN),
    tursoOrg: clean(flags.tursoOrg ?? env.TURSO_ORG),
    tursoGroup: clean(flags.tursoGroup) ?? DEFAULTS.tursoGroup,
    region: clean(flags.region) ?? DEFAULTS.region,
    db: clean(flags.db ?? env.EFS_DB) ?? DEFAULTS.db,
    modalAppFile: DEFAULTS.modalAppFile,
    vercelToken: clean(env.VERCEL_TOKEN),
    vercelTeam: clean(flags.vercelTeam ?? env.VERCEL_TEAM_ID),
    vercelProject: clean(flags.vercelProject ?? env.EFS_VERCEL_PROJECT) ?? DEFAULTS.vercelProject,
    appUrl: clean(flags.appUrl ?? env.EFS_APP_URL),
    renderApiKey: clean(env.RENDER_API_KEY),
    renderOwner: clean(flags.renderOwner ?? env.RENDER_OWNER_ID),
    renderService: clean(flags.renderService ?? env.EFS_RENDER_SERVICE) ?? DEFAULTS.renderService,
    renderRegion: clean(flags.renderRegion) ?? DEFAULTS.renderRegion,
    renderPlan: clean(flags.renderPlan) ?? DEFAULTS.renderPlan,
    renderDeployHook: clean(flags.renderDeployHook ?? env.RENDER_DEPLOY_HOOK_URL),
    githubToken: clean(env.GITHUB_TOKEN ?? env.GH_TOKEN),
    githubRepo: clean(flags.githubRepo ?? env.GITHUB_REPOSITORY),
    branch: clean(flags.branch) ?? DEFAULTS.branch,
    overwrite: flags.overwrite === true,
  });
}
