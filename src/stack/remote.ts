// Reads what a deploy target holds now: values where the API returns them (Render, Vercel
// non-sensitive), otherwise key presence and the provider's updatedAt (GitHub, Vercel
// sensitive). Modal secrets cannot be listed by value or key: they read as unlistable.
import { catalogEntry, type Target } from "@efs/core/env-catalog";
import { EfsError } from "../errors";
import type { VerifyContext } from "./context";

/** One variable as the target reports it. */
interface RemoteVar {
  readonly key: string;
  // The stored value, when the API returns it (undefined: write-only).
  readonly value?: string;
  // ISO time of the target's last change, when reported.
  readonly updatedAt?: string;
  // Provider id (Vercel env id) for follow-up calls.
  readonly id?: string;
}

/** Everything one target holds. */
export interface RemoteSnapshot {
  readonly target: Target;
  // False when the target cannot be listed at all (Modal secrets).
  readonly listable: boolean;
  readonly vars: ReadonlyMap<string, RemoteVar>;
  // Vercel: keys set only for Preview/Development (not Production), with their targets.
  readonly notProduction: ReadonlyMap<string, string[]>;
  // Where the target lives, for messages (project id, service id, repo).
  readonly where: string;
}

const iso = (t: number | string | undefined) =>
  t === undefined ? undefined : new Date(typeof t === "number" ? t : Date.parse(t)).toISOString();

// Fetches the current state of `target`.
export async function readRemote(ctx: VerifyContext, target: Target): Promise<RemoteSnapshot> {
  if (target === "vercel") return readVercel(ctx);
  if (target === "render") return readRender(ctx);
  if (target === "github") return readGitHub(ctx);
  return { target, listable: false, vars: new Map(), notProduction: new Map(), where: target };
}

async function readVercel(ctx: VerifyContext): Promise<RemoteSnapshot> {
  const api = await ctx.vercel();
  const project = ctx.vercelProject();
  const envs = await api.listEnv(project).catch((e: unknown) => {
    throw ctx.vercelNotFound(e);
  });
  const vars = new Map<string, RemoteVar>();
  const notProduction = new Map<string, string[]>();
  for (const e of envs) {
    const targets = Array.isArray(e.target) ? e.target : [e.target];
    if (!targets.includes("production")) {
      notProduction.set(e.key, [...(notProduction.get(e.key) ?? []), ...targets]);
      continue;
    }
    const value = e.type === "sensitive" ? undefined : await api.readEnv(project, e.id);
    if (value !== undefined) guardValue(ctx, e.key, value);
    vars.set(e.key, { key: e.key, value, updatedAt: iso(e.updatedAt), id: e.id });
  }
  for (const k of vars.keys()) notProduction.delete(k);
  return {
    target: "vercel",
    listable: true,
    vars,
    notProduction,
    where: `Vercel project ${project}`,
  };
}

async function readRender(ctx: VerifyContext): Promise<RemoteSnapshot> {
  const service = await ctx.renderService();
  if (!service) {
    throw new EfsError(`Render service ${ctx.name("renderService").value} does not exist`, {
      fix: "run efs init --only render (or pass --render-service / set EFS_RENDER_SERVICE to the worker's name)",
    });
  }
  const list = await (await ctx.render()).listEnvVars(service.id);
  const vars = new Map<string, RemoteVar>();
  for (const v of list) {
    guardValue(ctx, v.key, v.value);
    vars.set(v.key, { key: v.key, value: v.value });
  }
  return {
    target: "render",
    listable: true,
    vars,
    notProduction: new Map(),
    where: `Render service ${service.id}`,
  };
}

async function readGitHub(ctx: VerifyContext): Promise<RemoteSnapshot> {
  const repo = await ctx.githubRepo();
  if (!repo) {
    throw new EfsError("No GitHub repository to check", {
      fix: "pass --github-repo owner/name or set GITHUB_REPOSITORY (or add a github.com `origin` remote)",
    });
  }
  const list = await (await ctx.github()).listSecrets(repo);
  const vars = new Map<string, RemoteVar>(
    list.map((s) => [s.name, { key: s.name, updatedAt: iso(s.updated_at) }]),
  );
  return {
    target: "github",
    listable: true,
    vars,
    notProduction: new Map(),
    where: `GitHub ${repo.owner}/${repo.repo}`,
  };
}

// Registers a remote value with the redactor unless the catalog says it is public; values
// of keys efs does not know are treated as secret when long enough to be one.
function guardValue(ctx: VerifyContext, key: string, value: string): void {
  const e = catalogEntry(key);
  if (e ? e.secret : value.trim().length >= 8) ctx.redactor.add(value, key);
}
