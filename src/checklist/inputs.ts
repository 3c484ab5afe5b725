// Everything `efs init`, `verify`, `env push/status` and `rotate` can be told about the
// stack (credentials, Vercel team, resource names), resolved once at the edge, in one order
// for every command: flag → environment variable → what the vault records → default.
// Resource names resolve in checklist/names.ts (which also says where each came from).
import { isR2Jurisdiction, R2_JURISDICTIONS, type R2Jurisdiction } from "@efs/core/r2";
import { DEFAULT_UPLOAD_RETENTION_DAYS } from "@efs/core/storage/retention";
import { usageError } from "../errors";
import type { VaultState } from "../vault/state";
import { readJournal } from "./journal";
import { clean, type Named, type NameKey, resolveNames } from "./names";

export interface InitInputs {
  readonly cloudflareToken?: string;
  readonly cloudflareAccountId?: string;
  // Resource names (flag > env > vault > checklist); `names` says where each came from.
  readonly names: Readonly<Record<NameKey, Named>>;
  readonly bucket: string;
  readonly r2Token: string;
  readonly bucketLocation?: string;
  // Days after which R2's lifecycle rule deletes uploads/ objects.
  readonly uploadRetentionDays: number;
  readonly bucketJurisdiction: R2Jurisdiction;
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
  uploadRetentionDays?: number;
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

/** What an earlier `efs init` recorded in the vault besides resource names (names.ts). */
interface Recorded {
  cloudflareAccountId?: string;
  bucketJurisdiction?: string;
  vercelToken?: string;
  vercelTeam?: string;
}

// The account, jurisdiction, token and team a vault records (values and the init journal).
export function recordedSettings(state: VaultState | undefined): Recorded {
  if (!state) return {};
  const journal = readJournal(state);
  const org = state.get("VERCEL_ORG_ID");
  return {
    cloudflareAccountId: state.get("R2_ACCOUNT_ID"),
    // R2_JURISDICTION, else what the bucket's journal record says (vaults from before it).
    bucketJurisdiction:
      state.get("R2_JURISDICTION") ?? journal.r2?.resources.bucket?.meta?.jurisdiction,
    vercelToken: state.get("VERCEL_TOKEN"),
    vercelTeam: org?.startsWith("team_") ? org : undefined,
  };
}

function jurisdiction(value: string | undefined): R2Jurisdiction {
  const v = clean(value) ?? "default";
  if (!isR2Jurisdiction(v))
    throw usageError(
      `--bucket-jurisdiction ${v}: not an R2 jurisdiction`,
      `use one of: ${R2_JURISDICTIONS.join(", ")}`,
    );
  return v;
}

// Resolves a run's inputs: flags first, then env, then what `state` (the vault) records,
// then defaults (for names: the checklist's). Credentials come from env, else the vault
// (VERCEL_TOKEN is kept there for the deploy workflow); a resource init recorded by id only
// (a Render service srv-…, a Vercel project prj_…) carries that id in `names`.
export function resolveInputs(
  flags: InitFlags,
  env: Readonly<NodeJS.ProcessEnv>,
  state?: VaultState,
): InitInputs {
  const r = recordedSettings(state);
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
    cloudflareAccountId:
      clean(flags.cloudflareAccount ?? env.CLOUDFLARE_ACCOUNT_ID) ?? r.cloudflareAccountId,
    bucket: names.bucket.value,
    r2Token: names.r2Token.value,
    bucketLocation: clean(flags.bucketLocation),
    uploadRetentionDays: flags.uploadRetentionDays ?? DEFAULT_UPLOAD_RETENTION_DAYS,
    bucketJurisdiction: jurisdiction(
      flags.bucketJurisdiction ?? env.EFS_BUCKET_JURISDICTION ?? r.bucketJurisdiction,
    ),
    tursoToken: clean(env.TURSO_API_TOKEN),
    tursoOrg: clean(flags.tursoOrg ?? env.TURSO_ORG),
    tursoGroup: clean(flags.tursoGroup) ?? DEFAULTS.tursoGroup,
    region: clean(flags.region) ?? DEFAULTS.region,
    regionFrom: clean(flags.region)
      ? "the Turso location from --region"
      : "the default Turso location",
    db: names.db.value,
    modalAppFile: DEFAULTS.modalAppFile,
    vercelToken: clean(env.VERCEL_TOKEN) ?? r.vercelToken,
    vercelTeam: clean(flags.vercelTeam ?? env.VERCEL_TEAM_ID) ?? r.vercelTeam,
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
