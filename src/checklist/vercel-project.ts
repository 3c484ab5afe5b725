// The Vercel project settings `efs init` applies, in one place: the init step sets them through
// the API, and CI writes them into .vercel/project.json for the real `vercel build`, so the
// build CI checks is the build production gets.

/** Node.js for the deployed targets (Vercel functions, worker and Modal images, deploy workflow). */
export const DEPLOYED_NODE_MAJOR = 24;
export const VERCEL_NODE_VERSION = `${DEPLOYED_NODE_MAJOR}.x`;

/** Build settings of the web app's project (null = Vercel's framework default). */
const VERCEL_BUILD_SETTINGS = Object.freeze({
  framework: "nextjs",
  rootDirectory: "services/web",
  installCommand: null,
  buildCommand: null,
  devCommand: null,
  outputDirectory: null,
  nodeVersion: VERCEL_NODE_VERSION,
});

/** Everything `efs init` keeps on the project: the build settings plus source-upload scope. */
export const VERCEL_PROJECT_SETTINGS = Object.freeze({
  ...VERCEL_BUILD_SETTINGS,
  // The app imports the workspace packages (@efs/core, @efs/visual) from outside services/web.
  sourceFilesOutsideRootDirectory: true,
});

export type VercelSettingKey = keyof typeof VERCEL_PROJECT_SETTINGS;

// The settings a project differs in from what efs applies ({} when it matches).
export function settingsDrift(
  project: Partial<Record<VercelSettingKey, unknown>>,
): Partial<Record<VercelSettingKey, string | boolean | null>> {
  const out: Partial<Record<VercelSettingKey, string | boolean | null>> = {};
  for (const [k, want] of Object.entries(VERCEL_PROJECT_SETTINGS) as [
    VercelSettingKey,
    string | boolean | null,
  ][]) {
    // Vercel omits unset commands; null and absent both mean "framework default".
    if ((project[k] ?? null) !== want) out[k] = want;
  }
  return out;
}

// Vercel's discontinue dates for Node.js versions (as the Vercel CLI 58 lists them).
const DISCONTINUED: Readonly<Record<string, string>> = {
  "20.x": "2026-10-01",
  "18.x": "2025-09-01",
  "16.x": "2025-02-03",
  "14.x": "2023-08-15",
  "12.x": "2022-10-03",
  "10.x": "2021-04-20",
  "8.10.x": "2020-01-06",
};

export type NodeVersionState = "current" | "other" | "deprecated" | "discontinued";

// How Vercel treats a project's Node.js version at `now`: `current` is ours (24.x),
// `other` still builds, `deprecated` stops building on `date`, `discontinued` no longer builds.
export function vercelNodeState(
  version: string | undefined,
  now: Date = new Date(),
): { state: NodeVersionState; date?: string } {
  if (version === VERCEL_NODE_VERSION) return { state: "current" };
  const date = DISCONTINUED[version ?? ""];
  if (date) return { state: now >= new Date(date) ? "discontinued" : "deprecated", date };
  return { state: "other" };
}

// .vercel/project.json as `vercel pull` writes it for this project (what `vercel build` reads).
export function vercelProjectJson(ids: { projectId: string; orgId: string }) {
  return { projectId: ids.projectId, orgId: ids.orgId, settings: { ...VERCEL_BUILD_SETTINGS } };
}
