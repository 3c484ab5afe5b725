// The Render region of the worker follows the Turso database's region (the checklist's
// "Region: same as your Turso DB"), so every job-store round trip stays in one metro area.
import { EfsError, EXIT } from "../errors";

export const RENDER_REGIONS = ["oregon", "ohio", "virginia", "frankfurt", "singapore"] as const;
export type RenderRegion = (typeof RENDER_REGIONS)[number];

// Turso location → the Render region in the same area. Locations with no Render region
// nearby (Tokyo, Mumbai, São Paulo, Sydney, …) are absent on purpose: the user chooses.
const NEAREST: Readonly<Record<string, RenderRegion>> = {
  // AWS locations (Turso Cloud).
  "aws-us-east-1": "virginia",
  "aws-us-east-2": "ohio",
  "aws-us-west-2": "oregon",
  "aws-eu-west-1": "frankfurt",
  "aws-eu-central-1": "frankfurt",
  "aws-ap-southeast-1": "singapore",
  // Fly.io locations (databases created before Turso moved to AWS).
  iad: "virginia",
  ewr: "virginia",
  bos: "virginia",
  ord: "ohio",
  sea: "oregon",
  sjc: "oregon",
  fra: "frankfurt",
  ams: "frankfurt",
  cdg: "frankfurt",
  lhr: "frankfurt",
  waw: "frankfurt",
  sin: "singapore",
};

// The Render region next to a Turso location; undefined when none is near.
export function renderRegionFor(tursoLocation: string): RenderRegion | undefined {
  return NEAREST[tursoLocation];
}

// The Turso location in a database URL (AWS hostnames carry it: <db>-<org>.aws-us-east-1.turso.io).
export function tursoLocationFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const host = new URL(url).hostname;
    return /\.(aws-[a-z]+-[a-z]+-\d+)\.turso\.io$/.exec(host)?.[1];
  } catch {
    return undefined;
  }
}

/** The worker's region and why: a flag, or the Turso database's region. */
export interface RegionChoice {
  readonly region?: RenderRegion;
  // Where it came from, for the plan ("--render-region", "Turso database aws-us-east-1", …).
  readonly because: string;
  // Set when no region could be chosen: what is missing and how to choose.
  readonly problem?: string;
}

// Throws a usage error unless `region` is a Render region.
function assertRenderRegion(region: string): RenderRegion {
  if ((RENDER_REGIONS as readonly string[]).includes(region)) return region as RenderRegion;
  throw new EfsError(`--render-region ${region}: not a Render region`, {
    fix: `use one of: ${RENDER_REGIONS.join(", ")}`,
    exitCode: EXIT.usage,
    code: "INVALID_REGION",
  });
}

// The region choice for a run's inputs and the vault's database URL (`databaseLocation`: the
// database's primary location from the Turso API, when its URL does not carry one).
export function regionChoiceFor(
  inputs: { renderRegion?: string; region: string; regionFrom: string },
  databaseUrl: string | undefined,
  databaseLocation?: string,
): RegionChoice {
  if (inputs.renderRegion)
    return { region: assertRenderRegion(inputs.renderRegion), because: "--render-region" };
  const location = tursoLocationFromUrl(databaseUrl) ?? databaseLocation;
  if (location) return nextTo(location, "the Turso database");
  if (databaseUrl)
    return {
      because: "the Turso database's URL",
      problem: `the Turso database URL does not show its location (set TURSO_API_TOKEN to look it up, or pass --render-region: ${RENDER_REGIONS.join(", ")})`,
    };
  // No database yet: it will be created in inputs.region.
  return nextTo(inputs.region, inputs.regionFrom);
}

function nextTo(location: string, from: string): RegionChoice {
  const region = renderRegionFor(location);
  if (region) return { region, because: `next to ${from} (${location})` };
  return {
    because: `${from} is in ${location}`,
    problem: `no Render region is near the Turso location ${location}: pass --render-region (${RENDER_REGIONS.join(", ")})`,
  };
}
