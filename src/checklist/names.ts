// Resource names: a flag wins, then its env twin, then the name the vault recorded, then the
// manual checklist's name — so resources a user made by hand from the checklist are adopted.
import type { VaultState } from "../vault/state";
import { readJournal } from "./journal";

/** The names the production checklist gives each resource. */
export const CHECKLIST_NAMES = Object.freeze({
  bucket: "ethereal-flame-studio",
  r2Token: "ethereal-flame-studio-prod",
  db: "ethereal-flame-studio",
  vercelProject: "ethereal-flame-studio",
  renderService: "ethereal-flame-worker",
});

export type NameKey = keyof typeof CHECKLIST_NAMES;

export const NAME_LABELS: Record<NameKey, string> = {
  bucket: "R2 bucket",
  r2Token: "R2 API token",
  db: "Turso database",
  vercelProject: "Vercel project",
  renderService: "Render worker",
};

// The flag and env twin of each name.
export const NAME_INPUTS: Record<NameKey, { flag: string; env: string }> = {
  bucket: { flag: "--bucket", env: "EFS_BUCKET" },
  r2Token: { flag: "--r2-token", env: "EFS_R2_TOKEN_NAME" },
  db: { flag: "--db", env: "EFS_DB" },
  vercelProject: { flag: "--vercel-project", env: "EFS_VERCEL_PROJECT" },
  renderService: { flag: "--render-service", env: "EFS_RENDER_SERVICE" },
};

type NameSource = "flag" | "env" | "vault" | "checklist";

/** A resolved name and where it came from (`detail` says which flag, variable or record). */
export interface Named {
  readonly value: string;
  readonly source: NameSource;
  readonly detail: string;
  // Set when the vault recorded the resource by id only (vaults written before names were
  // recorded): look it up by this id, not by name.
  readonly id?: string;
}

export type NameFlags = Partial<Record<NameKey, string>>;

// A flag or env value as given, trimmed; blank counts as not given (inputs.ts and conflicts.ts too).
export const clean = (v: string | undefined) =>
  v === undefined || v.trim() === "" ? undefined : v.trim();

// The name efs recorded for a resource, from the init journal and the vault's values.
export function recordedName(
  key: NameKey,
  state: VaultState | undefined,
): Omit<Named, "source"> | undefined {
  if (!state) return undefined;
  const j = readJournal(state);
  const rec = (step: string, resource: string) => j[step]?.resources[resource];
  switch (key) {
    case "bucket": {
      const v = state.get("R2_BUCKET_NAME");
      if (v) return { value: v, detail: "R2_BUCKET_NAME in the vault" };
      // A bucket init adopted or created before its values reached the vault.
      const id = rec("r2", "bucket")?.id;
      return id ? { value: id, detail: "recorded by efs init" } : undefined;
    }
    case "r2Token": {
      const r = rec("r2", "token");
      if (r?.name) return { value: r.name, detail: "recorded by efs init" };
      // Before names were recorded, efs named the token after the bucket.
      const bucket = state.get("R2_BUCKET_NAME");
      return r?.id && bucket
        ? { value: `efs-r2-${bucket}`, detail: "the token an earlier efs init created" }
        : undefined;
    }
    case "db": {
      const r = rec("turso", "database");
      return r?.id ? { value: r.name ?? r.id, detail: "recorded by efs init" } : undefined;
    }
    case "vercelProject": {
      const r = rec("vercel", "project");
      if (r?.name) return { value: r.name, detail: "recorded by efs init" };
      const id = state.get("VERCEL_PROJECT_ID");
      if (id) return { value: id, id, detail: "VERCEL_PROJECT_ID in the vault" };
      return r?.id
        ? { value: r.id, id: r.id, detail: "project id recorded by efs init" }
        : undefined;
    }
    case "renderService": {
      const r = rec("render", "service");
      if (r?.name) return { value: r.name, detail: "recorded by efs init" };
      return r?.id
        ? { value: r.id, id: r.id, detail: "service id recorded by efs init" }
        : undefined;
    }
  }
}

// Resolves every resource name: flag > env > vault > checklist.
export function resolveNames(
  flags: NameFlags,
  env: Readonly<NodeJS.ProcessEnv>,
  state?: VaultState,
): Readonly<Record<NameKey, Named>> {
  const out = {} as Record<NameKey, Named>;
  for (const key of Object.keys(CHECKLIST_NAMES) as NameKey[]) {
    const { flag, env: envName } = NAME_INPUTS[key];
    const fromFlag = clean(flags[key]);
    const fromEnv = clean(env[envName]);
    const fromVault = recordedName(key, state);
    out[key] = fromFlag
      ? { value: fromFlag, source: "flag", detail: flag }
      : fromEnv
        ? { value: fromEnv, source: "env", detail: envName }
        : fromVault
          ? { ...fromVault, source: "vault" }
          : { value: CHECKLIST_NAMES[key], source: "checklist", detail: "the checklist's name" };
  }
  return Object.freeze(out);
}

// "from --bucket", "from the vault (R2_BUCKET_NAME in the vault)", "checklist default".
export function describeSource(n: Named): string {
  switch (n.source) {
    case "flag":
      return `from ${n.detail}`;
    case "env":
      return `from ${n.detail}`;
    case "vault":
      return `from the vault (${n.detail})`;
    case "checklist":
      return "checklist default";
  }
}
