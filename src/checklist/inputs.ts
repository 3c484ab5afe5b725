// Everything `efs init` can be told through flags or env, resolved once at the edge.
import type { VaultState } from "../vault/state";
import { type Named, type NameKey, resolveNames } from "./names";

export interface InitInputs {
  readonly cloudflareToken?: string;
  readonly cloudflareAccountId?: string;
  // Resource names (flag > env > vault > checklist); `names` says where each came from.
  readonly names: Readonly<Record<NameKey, Named>>;
  readonly bucket: string;
  readonly r2Token: string;
  readonly bucketLocation?: string;
  readonly tursoToken?: string;
  readonly tursoOrg?: string;
  readonly tursoGroup: string;
  // The Turso location for a new group, and where it came from.
  readonly region: string;
  readonly regionFrom: string;
  readonly db: string;
  readonly modalAppFile: string;
  readonly vercelToken?: string;
  readonly vercelTeam?: string;
  readonly vercelProject: string;
  readonly appUrl?: string;
  readonly renderApiKey?: string;
  readonly renderOwner?: string;
  readonly renderService: string;
  // --render-region; without it the worker follows the Turso database's region.
  readonly renderRegion?: string;
  readonly renderPlan: string;
  readonly renderDeployHook?: string;
  readonly githubToken?: string;
  readonly githubRepo?: string;
  readonly branch: string;
  readonly overwrite: boolean;
}

export const DEFAULTS = Object.freeze({
  tursoGroup: "default",
  region: "aws-us-east-1",
  modalAppFile: "modal_app/app.py",
  renderPlan: "starter",
  branch: "main",
});

export interface InitFlags {
  cloudflareAccount?: string;
  bucket?: string;
  r2Token?: string;
  bucketLocation?: string;
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

// Merges flags (first), env (second), the names the vault recorded (third) and defaults.
export function resolveInputs(
  flags: InitFlags,
  env: Readonly<NodeJS.ProcessEnv>,
  state?: VaultState,
): InitInputs {
  const names = resolveNames(
    {
      bucket: flags.bucket,
      r2Token: flags.r2Token,
      db: flags.db,
      vercelProject: flags.vercelProject,
      renderService: flags.renderService,
    },
    env,
    state,
  );
  return Object.freeze({
    names,
    cloudflareToken: clean(env.CLOUDFLARE_API_TOKEN),
    cloudflareAccountId: clean(flags.cloudflareAccount ?? env.CLOUDFLARE_ACCOUNT_ID),
    bucket: names.bucket.value,
    r2Token: names.r2Token.value,
    bucketLocation: clean(flags.bucketLocation),
    tursoToken: clean(env.TURSO_API_TOKEN),
    tursoOrg: clean(flags.tursoOrg ?? env.TURSO_ORG),
    tursoGroup: clean(flags.tursoGroup) ?? DEFAULTS.tursoGroup,
    region: clean(flags.region) ?? DEFAULTS.region,
    regionFrom: clean(flags.region)
      ? "the Turso location from --region"
      : "the default Turso location",
    db: names.db.value,
    modalAppFile: DEFAULTS.modalAppFile,
    vercelToken: clean(env.VERCEL_TOKEN),
    vercelTeam: clean(flags.vercelTeam ?? env.VERCEL_TEAM_ID),
    vercelProject: names.vercelProject.value,
    appUrl: clean(flags.appUrl ?? env.EFS_APP_URL),
    renderApiKey: clean(env.RENDER_API_KEY),
    renderOwner: clean(flags.renderOwner ?? env.RENDER_OWNER_ID),
    renderService: names.renderService.value,
    renderRegion: clean(flags.renderRegion),
    renderPlan: clean(flags.renderPlan) ?? DEFAULTS.renderPlan,
    renderDeployHook: clean(flags.renderDeployHook ?? env.RENDER_DEPLOY_HOOK_URL),
    githubToken: clean(env.GITHUB_TOKEN ?? env.GH_TOKEN),
    githubRepo: clean(flags.githubRepo ?? env.GITHUB_REPOSITORY),
    branch: clean(flags.branch) ?? DEFAULTS.branch,
    overwrite: flags.overwrite === true,
  });
}
