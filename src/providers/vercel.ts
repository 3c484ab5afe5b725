// Vercel REST client: projects, environment variables, deployments, production URL.
import { ProviderError } from "./errors";
import { createHttp, type HttpConfig, type ParsedError, type Query } from "./http";

export interface VercelProject {
  id: string;
  name: string;
  accountId: string;
  framework?: string | null;
  rootDirectory?: string | null;
  nodeVersion?: string;
  installCommand?: string | null;
  buildCommand?: string | null;
  devCommand?: string | null;
  outputDirectory?: string | null;
  sourceFilesOutsideRootDirectory?: boolean;
  targets?: { production?: { alias?: string[]; url?: string; readyState?: string } };
}

type VercelEnvType = "system" | "secret" | "encrypted" | "plain" | "sensitive";

interface VercelEnv {
  id: string;
  key: string;
  value: string;
  type: VercelEnvType;
  target: string[] | string;
  updatedAt?: number;
}

export interface VercelEnvInput {
  key: string;
  value: string;
  type: "encrypted" | "plain" | "sensitive";
  target: string[];
}

interface VercelDeployment {
  uid: string;
  url: string;
  state?: string;
  readyState?: string;
  created?: number;
  target?: string | null;
}

export interface VercelClient {
  getProject(idOrName: string): Promise<VercelProject | undefined>;
  createProject(args: {
    name: string;
    framework?: string;
    rootDirectory?: string;
  }): Promise<{ project: VercelProject; existed: boolean }>;
  // Changes project settings (PATCH /v9/projects/{idOrName}): Node.js version, root directory, …
  updateProject(idOrName: string, settings: Record<string, unknown>): Promise<VercelProject>;
  listEnv(project: string): Promise<VercelEnv[]>;
  // Sets each variable for exactly its targets without ever leaving two variables of one
  // key on a target or a secret typed weaker than asked (see setEnvPlan).
  upsertEnv(project: string, vars: VercelEnvInput[]): Promise<VercelEnv[]>;
  // One variable's value (GET /v1/projects/{p}/env/{id}); undefined when it cannot be read
  // (type sensitive, or the answer says decrypted: false).
  readEnv(project: string, id: string): Promise<string | undefined>;
  // Deletes one variable by id (DELETE /v9/projects/{p}/env/{id}).
  deleteEnv(project: string, id: string): Promise<void>;
  listProductionDeployments(projectId: string): Promise<VercelDeployment[]>;
  // Deletes a project with its deployments and env (DELETE /v9/projects/{p}).
  deleteProject(idOrName: string): Promise<"deleted" | "gone">;
}

const VERCEL_TOKEN_HELP =
  "create a token at https://vercel.com/account/tokens (scope: the team that owns the project) and set VERCEL_TOKEN";

// The production origin of a project, from targets.production.alias (bare hostnames).
export function productionUrl(project: VercelProject): string | undefined {
  const host = project.targets?.production?.alias?.[0];
  return host ? `https://${host}` : undefined;
}

function parseError(body: unknown): ParsedError {
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return e ? { message: e.message, code: e.code } : {};
}

function hint(status: number): string | undefined {
  if (status === 401) return `VERCEL_TOKEN is invalid or expired: ${VERCEL_TOKEN_HELP}`;
  if (status === 403) {
    return "VERCEL_TOKEN has no access here: for a team project pass --vercel-team team_… and use a token scoped to that team";
  }
  return undefined;
}

export interface VercelOptions extends Partial<HttpConfig> {
  token: string;
  teamId?: string;
  baseUrl: string;
}

// Creates the Vercel client; teamId (when set) is added to every call.
export function createVercelClient(opts: VercelOptions): VercelClient {
  const http = createHttp({
    ...opts,
    provider: "vercel",
    baseUrl: opts.baseUrl,
    headers: { authorization: `Bearer ${opts.token}` },
    secrets: [opts.token],
    parseError,
    hint,
  });
  const q = (extra: Query = {}): Query => ({ ...extra, teamId: opts.teamId });
  const p = (idOrName: string) => encodeURIComponent(idOrName);

  async function getProject(idOrName: string) {
    const res = await http.request<VercelProject>("GET", `/v9/projects/${p(idOrName)}`, {
      operation: `get project ${idOrName}`,
      query: q(),
      accept: [404],
    });
    return res.status === 404 ? undefined : res.data;
  }

  // Every variable, following `pagination.next` only while it advances (the endpoint
  // documents no paging query; Vercel's own Terraform provider guards the cursor alike).
  async function listEnv(project: string): Promise<VercelEnv[]> {
    const byId = new Map<string, VercelEnv>();
    let until: number | undefined;
    for (let page = 0; page < MAX_ENV_PAGES; page++) {
      const res = await http.request<{ envs: VercelEnv[]; pagination?: { next?: number | null } }>(
        "GET",
        `/v10/projects/${p(project)}/env`,
        { operation: "list environment variables", query: q(until === undefined ? {} : { until }) },
      );
      for (const e of res.data.envs) byId.set(e.id, e);
      const next = res.data.pagination?.next;
      if (typeof next !== "number" || (until !== undefined && next >= until)) break;
      until = next;
    }
    return [...byId.values()];
  }

  async function deleteEnv(project: string, id: string): Promise<void> {
    await http.request("DELETE", `/v9/projects/${p(project)}/env/${encodeURIComponent(id)}`, {
      operation: "delete an environment variable",
      query: q(),
      accept: [404],
    });
  }

  async function patchEnv(project: string, id: string, body: Partial<VercelEnvInput>) {
    const res = await http.request<VercelEnv>(
      "PATCH",
      `/v9/projects/${p(project)}/env/${encodeURIComponent(id)}`,
      {
        operation: "edit an environment variable",
        query: q(),
        body,
        secrets: body.value ? [body.value] : [],
      },
    );
    return res.data;
  }

  async function createEnv(project: string, vars: VercelEnvInput[]): Promise<VercelEnv[]> {
    const res = await http.request<{
      created: VercelEnv | VercelEnv[];
      failed?: { error: { code?: string; message?: string; key?: string } }[];
    }>("POST", `/v10/projects/${p(project)}/env`, {
      operation: "set environment variables",
      query: q({ upsert: "true" }),
      body: vars,
      secrets: vars.map((v) => v.value),
    });
    const failed = res.data.failed ?? [];
    if (failed.length > 0) {
      const what = failed
        .map((f) => `${f.error.key ?? "?"}: ${f.error.message ?? f.error.code ?? "failed"}`)
        .join("; ");
      throw new ProviderError({
        provider: "vercel",
        operation: "set environment variables",
        status: res.status,
        code: failed[0]?.error.code,
        providerMessage: `${failed.length} of ${vars.length} not saved (${what})`,
        hint: "fix the variables named above, then run the command again",
      });
    }
    const created = res.data.created;
    return Array.isArray(created) ? created : [created];
  }

  return {
    getProject,

    async createProject(args) {
      const res = await http.request<VercelProject>("POST", "/v11/projects", {
        operation: `create project ${args.name}`,
        query: q(),
        body: args,
        accept: [409],
      });
      if (res.status !== 409) return { project: res.data, existed: false };
      const existing = await getProject(args.name);
      if (!existing) {
        throw new ProviderError({
          provider: "vercel",
          operation: `create project ${args.name}`,
          status: 409,
          providerMessage: "the name is taken",
          hint: "choose another name with --vercel-project",
        });
      }
      return { project: existing, existed: true };
    },

    async updateProject(idOrName, settings) {
      const res = await http.request<VercelProject>("PATCH", `/v9/projects/${p(idOrName)}`, {
        operation: `update project ${idOrName}`,
        query: q(),
        body: settings,
      });
      return res.data;
    },

    listEnv,

    async upsertEnv(project, vars) {
      for (const v of vars) assertCleanValue(v.key, v.value);
      const steps = setEnvPlan(await listEnv(project), vars);
      const out: VercelEnv[] = [];
      for (const step of steps) {
        if (step.kind === "patch") out.push(await patchEnv(project, step.id, step.body));
        else if (step.kind === "narrow") await patchEnv(project, step.id, { target: step.target });
        else if (step.kind === "delete") await deleteEnv(project, step.id);
      }
      const create = steps.flatMap((s) => (s.kind === "create" ? [s.input] : []));
      if (create.length) out.push(...(await createEnv(project, create)));
      return out;
    },

    async readEnv(project, id) {
      const res = await http.request<{ value?: string; decrypted?: boolean; type?: string }>(
        "GET",
        `/v1/projects/${p(project)}/env/${encodeURIComponent(id)}`,
        { operation: "read an environment variable", query: q() },
      );
      const { type, decrypted, value } = res.data;
      return type === "sensitive" || decrypted === false ? undefined : value;
    },

    deleteEnv,

    async listProductionDeployments(projectId) {
      const res = await http.request<{ deployments: VercelDeployment[] }>(
        "GET",
        "/v7/deployments",
        {
          operation: "list deployments",
          query: q({ projectId, target: "production", state: "READY", limit: 20 }),
        },
      );
      return res.data.deployments;
    },

    async deleteProject(idOrName) {
      const res = await http.request("DELETE", `/v9/projects/${p(idOrName)}`, {
        operation: `delete project ${idOrName}`,
        query: q(),
        accept: [404],
      });
      return res.status === 404 ? "gone" : "deleted";
    },
  };
}

const MAX_ENV_PAGES = 50;

const STRENGTH: Record<string, number> = { plain: 0, encrypted: 1, secret: 1, sensitive: 2 };

/** One write that sets a variable as asked. */
type SetEnvStep =
  | { kind: "create"; input: VercelEnvInput }
  | { kind: "patch"; id: string; body: Partial<VercelEnvInput> }
  // Removes the asked targets from an existing variable that also serves other targets.
  | { kind: "narrow"; id: string; target: string[] }
  // Removes a second variable of the key inside the asked targets (merged into the first).
  | { kind: "delete"; id: string };

const targetsOf = (e: VercelEnv) => (Array.isArray(e.target) ? e.target : [e.target]);

// How to set `vars` given the project's variables. Upsert only updates a variable whose
// targets are exactly the same set (an overlapping set answers ENV_CONFLICT) and keeps its
// type, so: same targets → PATCH the value (and the type, never to a weaker one, so a
// secret is never left plain and a sensitive one stays sensitive); a variable that also
// serves other targets keeps them with its value, loses ours, and ours is created beside
// it; a variable whose targets lie inside ours is widened by the same PATCH.
function setEnvPlan(existing: readonly VercelEnv[], vars: readonly VercelEnvInput[]) {
  const steps: SetEnvStep[] = [];
  for (const v of vars) {
    const overlapping = existing.filter(
      (e) => e.key === v.key && targetsOf(e).some((t) => v.target.includes(t)),
    );
    const inside = overlapping.filter((e) => targetsOf(e).every((t) => v.target.includes(t)));
    const wider = overlapping.filter((e) => !inside.includes(e));
    for (const e of wider)
      steps.push({
        kind: "narrow",
        id: e.id,
        target: targetsOf(e).filter((t) => !v.target.includes(t)),
      });
    const [keep, ...extra] = inside;
    // Two variables inside our targets (e.g. one for production, one for preview) become one.
    for (const e of extra) steps.push({ kind: "delete", id: e.id });
    if (!keep) {
      steps.push({ kind: "create", input: v });
      continue;
    }
    const type = (STRENGTH[keep.type] ?? 1) > STRENGTH[v.type]! ? keep.type : v.type;
    steps.push({
      kind: "patch",
      id: keep.id,
      body: { value: v.value, type: type as VercelEnvInput["type"], target: v.target },
    });
  }
  return steps;
}

// Refuses values Vercel would store wrongly (trailing newline, empty; PROVIDERS.md §8.1).
function assertCleanValue(key: string, value: string): void {
  if (value.length === 0 || value !== value.trim()) {
    throw new ProviderError({
      provider: "vercel",
      operation: `set ${key}`,
      providerMessage: value.length === 0 ? "value is empty" : "value has surrounding whitespace",
      hint: `fix ${key} with \`efs env set ${key}\``,
    });
  }
}
