// Vercel REST client: projects, environment variables, deployments, production URL.
import { ProviderError } from "./errors";
import { createHttp, type HttpConfig, type ParsedError, type Query } from "./http";

export interface VercelProject {
  id: string;
  name: string;
  accountId: string;
  framework?: string | null;
  targets?: { production?: { alias?: string[]; url?: string; readyState?: string } };
}

export type VercelEnvType = "system" | "secret" | "encrypted" | "plain" | "sensitive";

export interface VercelEnv {
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

export interface VercelDeployment {
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
  listEnv(project: string): Promise<VercelEnv[]>;
  upsertEnv(project: string, vars: VercelEnvInput[]): Promise<VercelEnv[]>;
  // One variable decrypted (GET /v1/projects/{p}/env/{id}); undefined for sensitive ones.
  readEnv(project: string, id: string): Promise<string | undefined>;
  // Deletes one variable by id (DELETE /v9/projects/{p}/env/{id}).
  deleteEnv(project: string, id: string): Promise<void>;
  listProductionDeployments(projectId: string): Promise<VercelDeployment[]>;
  // Deletes a project with its deployments and env (DELETE /v9/projects/{p}).
  deleteProject(idOrName: string): Promise<"deleted" | "gone">;
}

export const VERCEL_TOKEN_HELP =
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

    async listEnv(project) {
      const all: VercelEnv[] = [];
      let until: number | undefined;
      for (let i = 0; i < 100; i++) {
        const res = await http.request<{
          envs: VercelEnv[];
          pagination?: { next: number | null };
        }>("GET", `/v10/projects/${p(project)}/env`, {
          operation: "list environment variables",
          query: q({ until, limit: 100 }),
        });
        all.push(...res.data.envs);
        const next = res.data.pagination?.next;
        if (!next) break;
        until = next;
      }
      return all;
    },

    async upsertEnv(project, vars) {
      for (const v of vars) assertCleanValue(v.key, v.value);
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
    },

    async readEnv(project, id) {
      const res = await http.request<{ value?: string; decrypted?: boolean; type?: string }>(
        "GET",
        `/v1/projects/${p(project)}/env/${encodeURIComponent(id)}`,
        { operation: "read an environment variable", query: q() },
      );
      return res.data.type === "sensitive" || res.data.decrypted !== true
        ? undefined
        : res.data.value;
    },

    async deleteEnv(project, id) {
      await http.request("DELETE", `/v9/projects/${p(project)}/env/${encodeURIComponent(id)}`, {
        operation: "delete an environment variable",
        query: q(),
        accept: [404],
      });
    },

    async listProductionDeployments(projectId) {
      const res = await http.request<{ deployments: VercelDeployment[] }>(
        "GET",
        "/v6/deployments",
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
