// Shared state of the provider emulations: resources, credentials, call log and knobs.
import { createHash, randomBytes } from "node:crypto";

export type Provider = "cloudflare" | "turso" | "vercel" | "render" | "github";

export interface CallRecord {
  provider: Provider;
  method: string;
  path: string;
  status: number;
  // "fault" when the emulator refused before touching state.
  outcome: "ok" | "fault" | "error";
}

// Fault knobs: random refusals before processing, and scripted failures.
export interface Faults {
  // Fraction (0..1) of calls answered with one of `statuses` before any processing.
  rate: number;
  statuses: number[];
  retryAfter?: string;
  // Scripted failures, consumed in order: the next matching calls fail.
  script: ScriptedFault[];
}

export interface ScriptedFault {
  provider?: Provider;
  method?: string;
  path: RegExp;
  status: number;
  times: number;
  retryAfter?: string;
  // Process the request first, then answer the failure (an ambiguous create).
  afterProcessing?: boolean;
}

export interface CfToken {
  id: string;
  name: string;
  value: string;
  status: "active";
  scope: "user" | "account";
  canMintTokens: boolean;
  canR2: boolean;
  policies?: unknown;
}

export interface CfBucket {
  name: string;
  jurisdiction: "default" | "eu" | "fedramp";
  creation_date: string;
  location: string;
  storage_class: string;
  cors?: unknown[];
  // Object lifecycle rules; undefined: R2's default rule only (DEFAULT_R2_RULE).
  lifecycle?: unknown[];
}

export interface TursoDb {
  Name: string;
  DbId: string;
  Hostname: string;
  group: string;
  primaryRegion: string;
}

export interface VercelProjectState {
  id: string;
  name: string;
  accountId: string;
  framework: string | null;
  rootDirectory: string | null;
  // Node.js version of the project's functions (Vercel's published enum, e.g. "24.x");
  // Vercel's default for a new project is the latest LTS (24.x).
  nodeVersion: string;
  sourceFilesOutsideRootDirectory: boolean;
  teamId?: string;
  alias: string[];
  envs: VercelEnvState[];
}

export interface VercelEnvState {
  id: string;
  key: string;
  value: string;
  type: string;
  target: string[];
  createdAt: number;
  updatedAt: number;
}

export interface RenderServiceState {
  id: string;
  name: string;
  type: string;
  ownerId: string;
  repo?: string;
  branch?: string;
  createdAt: string;
  // What the create asked for (ServicePOST.serviceDetails); answered as the worker's details.
  serviceDetails: Record<string, unknown>;
  env: Map<string, string>;
  // Env the service's deploys run with: a snapshot taken when each deploy starts.
  deployEnv?: Map<string, Map<string, string>>;
  deploys: { id: string; status: string; trigger: string; createdAt: string }[];
  hookKey: string;
}

export interface EmulatorState {
  calls: CallRecord[];
  // Requests and answers outside the providers' published descriptions (must stay empty).
  violations: string[];
  faults: Faults;
  random: () => number;
  cloudflare: {
    accountId: string;
    r2Enabled: boolean;
    tokens: CfToken[];
    buckets: CfBucket[];
    permissionGroups: { id: string; name: string; scopes: string[] }[];
    listPageSize: number;
    // Id and value the next created tokens get, in order (then random ones): a test pairs
    // them with an S3 identity so the new key works against SeaweedFS.
    nextTokens?: { id: string; value: string }[];
    // Objects a bucket holds, when the test links the buckets to real object storage
    // (SeaweedFS): deleting a bucket that is not empty is then refused, as R2 refuses it.
    objectCount?: (bucket: string) => Promise<number>;
  };
  turso: {
    tokens: Set<string>;
    orgs: { name: string; slug: string; type: "personal" | "team" }[];
    groups: Map<string, { name: string; uuid: string; primary: string; locations: string[] }[]>;
    dbs: Map<string, TursoDb[]>;
    // Every database token minted; `revoked` once auth/rotate invalidated it.
    minted: { org: string; db: string; jwt: string; revoked?: boolean }[];
    rotations: { org: string; db: string }[];
  };
  vercel: {
    tokens: Map<string, { userId: string; teams: string[] }>;
    projects: VercelProjectState[];
    deployments: { uid: string; url: string; projectId: string; created: number; target: string }[];
    failEnvKeys: Set<string>;
  };
  render: {
    keys: Set<string>;
    owners: { id: string; name: string; email: string; type: "user" | "team" }[];
    services: RenderServiceState[];
    deployAnswers202: boolean;
    replaceAllPuts: number;
  };
  github: {
    tokens: Map<string, { canSecrets: boolean }>;
    repos: Map<string, { secrets: Map<string, { sealed: string; updated_at: string }> }>;
    keyId: string;
    publicKey: Uint8Array;
    privateKey: Uint8Array;
  };
}

// Credentials the default world accepts (test-only fake values, scanned for in output).
export const TEST_CREDENTIALS = Object.freeze({
  cloudflareAccountId: "0123456789abcdef0123456789abcdef",
  cloudflareToken: "cfbootstrap-token-value-0f9e8d7c6b5a",
  tursoToken: "turso-platform-token-1a2b3c4d5e6f",
  tursoOrg: "flame-user",
  vercelToken: "vercel-token-9a8b7c6d5e4f3a2b",
  renderKey: "rnd_renderkey1234567890abcdef",
  renderOwnerId: "own-flame0001",
  githubToken: "github_pat_fake_0123456789abcdef",
  githubRepo: "acme/flame-studio",
});

export const R2_ITEM_WRITE_ID = "2efd5506f9c8494dacb1fa10a3e7d5b6";

// A deterministic PRNG so fault injection is reproducible.
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

// Creates a fresh default world: one account per provider with valid credentials.
export function createEmulatorState(keyPair: {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}): EmulatorState {
  const c = TEST_CREDENTIALS;
  return {
    calls: [],
    violations: [],
    faults: { rate: 0, statuses: [429, 503], retryAfter: "0", script: [] },
    random: seededRandom(42),
    cloudflare: {
      accountId: c.cloudflareAccountId,
      r2Enabled: true,
      tokens: [
        {
          id: "bootstraptokenid0001",
          name: "efs bootstrap",
          value: c.cloudflareToken,
          status: "active",
          scope: "user",
          canMintTokens: true,
          canR2: true,
        },
      ],
      buckets: [],
      permissionGroups: [
        {
          id: "c8fed203ed3043cba015a93ad1616f1f",
          name: "Zone Read",
          scopes: ["com.cloudflare.api.account.zone"],
        },
        {
          id: R2_ITEM_WRITE_ID,
          name: "Workers R2 Storage Bucket Item Write",
          scopes: ["com.cloudflare.edge.r2.bucket"],
        },
        {
          id: "6a018a9f2fc74eb6b293b0c548f38b39",
          name: "Workers R2 Storage Bucket Item Read",
          scopes: ["com.cloudflare.edge.r2.bucket"],
        },
      ],
      listPageSize: 20,
    },
    turso: {
      tokens: new Set([c.tursoToken]),
      orgs: [{ name: "flame-user", slug: c.tursoOrg, type: "personal" }],
      groups: new Map(),
      dbs: new Map(),
      minted: [],
      rotations: [],
    },
    vercel: {
      tokens: new Map([[c.vercelToken, { userId: "user_flame01", teams: ["team_flame01"] }]]),
      projects: [],
      deployments: [],
      failEnvKeys: new Set(),
    },
    render: {
      keys: new Set([c.renderKey]),
      owners: [{ id: c.renderOwnerId, name: "Flame", email: "flame@example.com", type: "user" }],
      services: [],
      deployAnswers202: false,
      replaceAllPuts: 0,
    },
    github: {
      tokens: new Map([[c.githubToken, { canSecrets: true }]]),
      repos: new Map([[c.githubRepo, { secrets: new Map() }]]),
      keyId: "568250167242549743",
      publicKey: keyPair.publicKey,
      privateKey: keyPair.privateKey,
    },
  };
}

// A short random id with a prefix, e.g. "prj_ab12…".
export function newId(prefix: string, bytes = 8): string {
  return prefix + randomBytes(bytes).toString("hex");
}

// Counts the creates the emulators processed, per kind: what "exactly one" tests assert.
export function resourceCounts(state: EmulatorState) {
  return {
    buckets: state.cloudflare.buckets.length,
    cfTokens: state.cloudflare.tokens.filter((t) => t.name !== "efs bootstrap").length,
    tursoGroups: [...state.turso.groups.values()].flat().length,
    tursoDbs: [...state.turso.dbs.values()].flat().length,
    tursoTokens: state.turso.minted.length,
    vercelProjects: state.vercel.projects.length,
    renderServices: state.render.services.length,
    renderDeploys: state.render.services.reduce((n, s) => n + s.deploys.length, 0),
  };
}

// sha256 hex, as Cloudflare derives an R2 secret from a token value.
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
