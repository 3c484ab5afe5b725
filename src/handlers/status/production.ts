// `efs status --target production`: everything from the vault — the app's /api/health at
// NEXT_PUBLIC_APP_URL, the Turso job store with TURSO_* (read-only), R2 with the R2_* keys —
// plus the env drift summary of `efs env status`.
import { EfsError } from "../../errors";
import type { Runtime } from "../../runtime";
import { contextFor } from "../../stack/open";
import { planAll, type TargetPlan } from "../../stack/plan";
import { openR2Storage } from "../../stack/r2-storage";
import type { Vault } from "../../vault/vault";
import { classifyWorkers } from "./assess";
import { fetchHealth, firstLine, readJobStore, readStorage } from "./sources";
import type { EnvStatus, JobsStatus, StorageStatus } from "./types";

export interface ProductionArgs {
  readonly url?: string;
  readonly maxAgeMs: number;
  // Whether to recompute the env drift (a watch refreshes it less often than the rest).
  readonly drift: boolean;
}

// Reads the production stack described by the vault.
export async function collectProduction(rt: Runtime, vault: Vault, args: ProductionArgs) {
  const now = Date.now();
  const state = await vault.read();
  if (state.projectId === null) {
    throw new EfsError(`No vault in ${rt.cwd}: nothing to report`, {
      fix: "run efs status from the project efs init set up (or pass --cwd), or efs status --target local",
      code: "NO_VAULT",
    });
  }
  const get = (n: string) => state.get(n);
  const url = args.url ?? get("NEXT_PUBLIC_APP_URL") ?? null;
  const dbUrl = get("TURSO_DATABASE_URL");
  const jobsMissing: JobsStatus = {
    ok: false,
    error: "TURSO_DATABASE_URL is not in the vault (efs init --only turso)",
  };
  const [app, store, storage, env] = await Promise.all([
    fetchHealth(url, rt.signal),
    dbUrl
      ? readJobStore(dbUrl, get("TURSO_AUTH_TOKEN"), now)
      : Promise.resolve({ jobs: jobsMissing, workers: null }),
    r2Status(rt, get),
    args.drift ? envDrift(rt, vault) : Promise.resolve(null),
  ]);
  return {
    app:
      url === null
        ? { ...app, error: "NEXT_PUBLIC_APP_URL is not in the vault (efs init --only vercel)" }
        : app,
    jobs: store.jobs,
    workers: store.workers ? classifyWorkers(store.workers, now, args.maxAgeMs) : null,
    storage,
    env,
  };
}

function r2Status(rt: Runtime, get: (n: string) => string | undefined): Promise<StorageStatus> {
  const bucket = get("R2_BUCKET_NAME");
  const names = ["R2_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"];
  const missing = names.filter((n) => !get(n));
  const where = `bucket ${bucket ?? "?"}`;
  if (missing.length) {
    return Promise.resolve({
      ok: false,
      backend: "r2",
      where,
      error: `${missing.join(", ")} not in the vault (efs init --only r2)`,
    });
  }
  return readStorage(() => openR2Storage(get, rt.env), "r2", where, rt.signal);
}

// One line per `efs env status`: drifted keys per target, targets that could not be read.
async function envDrift(rt: Runtime, vault: Vault): Promise<EnvStatus> {
  let plans: TargetPlan[];
  try {
    plans = await planAll(rt, undefined, await contextFor(rt, vault));
  } catch (e) {
    rt.signal.throwIfAborted();
    return { summary: `could not be read: ${firstLine(e)}`, drifted: null };
  }
  return summarizeDrift(plans);
}

// Condenses the per-key plans into one line.
function summarizeDrift(plans: readonly TargetPlan[]): EnvStatus {
  const drifted: string[] = [];
  const unread: string[] = [];
  const clean: string[] = [];
  let count = 0;
  for (const p of plans) {
    if (p.error) {
      unread.push(`${p.target} (${p.error.message})`);
      continue;
    }
    const n = p.items.filter(
      (i) => i.action === "add" || i.action === "change" || i.outOfBand === true,
    ).length;
    count += n;
    if (n) drifted.push(`${p.target} ${n}`);
    else clean.push(p.target);
  }
  const parts: string[] = [];
  if (drifted.length) parts.push(`${count} key(s) drifted (${drifted.join(", ")}) → efs env push`);
  if (clean.length) parts.push(`in sync: ${clean.join(", ")}`);
  if (unread.length) parts.push(`not checked: ${unread.join("; ")}`);
  return {
    summary: parts.join("; ") || "no targets",
    drifted: unread.length === plans.length ? null : count,
  };
}
