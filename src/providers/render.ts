// Render API client: owners, services by name, per-key env vars, deploys, deploy hook.
import { createHttp, type HttpConfig, type ParsedError } from "./http";

export interface RenderOwner {
  id: string;
  name: string;
  email?: string;
  type: "user" | "team";
}

export interface RenderService {
  id: string;
  name: string;
  type: string;
  ownerId: string;
  repo?: string;
  branch?: string;
  autoDeploy?: string;
  suspended?: string;
  serviceDetails?: Record<string, unknown>;
}

export interface RenderDeploy {
  id: string;
  status: string;
  trigger?: string;
  createdAt: string;
  finishedAt?: string | null;
}

export interface CreateServiceArgs {
  name: string;
  ownerId: string;
  repo: string;
  branch: string;
  region: string;
  plan: string;
  dockerfilePath: string;
  dockerContext: string;
}

export interface RenderClient {
  listOwners(): Promise<RenderOwner[]>;
  findService(name: string, ownerId: string): Promise<RenderService | undefined>;
  createWorker(args: CreateServiceArgs): Promise<{ service: RenderService; adopted: boolean }>;
  listEnvVars(serviceId: string): Promise<{ key: string; value: string }[]>;
  setEnvVar(serviceId: string, key: string, value: string): Promise<void>;
  // Deletes one variable (DELETE /env-vars/{key}); a missing key is not an error.
  deleteEnvVar(serviceId: string, key: string): Promise<void>;
  listDeploys(serviceId: string, limit?: number): Promise<RenderDeploy[]>;
  createDeploy(serviceId: string, since: Date): Promise<RenderDeploy | undefined>;
  // One service by id; undefined when it does not exist.
  getService(serviceId: string): Promise<RenderService | undefined>;
  // Deletes a service (DELETE /services/{id}); "gone" when it did not exist.
  deleteService(serviceId: string): Promise<"deleted" | "gone">;
}

export const RENDER_KEY_HELP =
  "create an API key at https://dashboard.render.com/u/settings#api-keys and set RENDER_API_KEY";

export const DEPLOY_ACTIVE = new Set([
  "created",
  "queued",
  "build_in_progress",
  "update_in_progress",
  "pre_deploy_in_progress",
]);

function parseError(body: unknown): ParsedError {
  const b = body as { message?: string; code?: string } | undefined;
  return typeof b?.message === "string" ? { message: b.message, code: b.code } : {};
}

function hint(status: number): string | undefined {
  if (status === 401) return `RENDER_API_KEY is invalid: ${RENDER_KEY_HELP}`;
  if (status === 403) return "RENDER_API_KEY belongs to a workspace without access to this service";
  if (status === 402) return "this needs a paid Render plan (background workers start at Starter)";
  return undefined;
}

export interface RenderOptions extends Partial<HttpConfig> {
  apiKey: string;
  baseUrl: string;
}

// Creates the Render client; lists are bare arrays of {<resource>, cursor} wrappers.
export function createRenderClient(opts: RenderOptions): RenderClient {
  const http = createHttp({
    ...opts,
    provider: "render",
    baseUrl: opts.baseUrl,
    headers: { authorization: `Bearer ${opts.apiKey}` },
    secrets: [opts.apiKey],
    parseError,
    hint,
  });

  async function list<T>(path: string, field: string, query: Record<string, string> = {}) {
    const out: T[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await http.request<Array<Record<string, unknown> & { cursor: string }>>(
        "GET",
        path,
        { operation: `list ${field}s`, query: { ...query, limit: 100, cursor } },
      );
      for (const w of res.data) out.push(w[field] as T);
      if (res.data.length < 100) break;
      cursor = res.data[res.data.length - 1]?.cursor;
    }
    return out;
  }

  async function findService(name: string, ownerId: string) {
    const found = await list<RenderService>("/services", "service", { name, ownerId });
    return found.find((s) => s.name === name);
  }

  async function listDeploys(serviceId: string, limit = 20) {
    const res = await http.request<{ deploy: RenderDeploy; cursor: string }[]>(
      "GET",
      `/services/${serviceId}/deploys`,
      { operation: "list deploys", query: { limit } },
    );
    return res.data.map((w) => w.deploy);
  }

  return {
    listOwners: () => list<RenderOwner>("/owners", "owner"),
    findService,

    async createWorker(a) {
      // Request shape per Render's public API (unconfirmed beyond PROVIDERS.md).
      const res = await http.request<{ service: RenderService }>("POST", "/services", {
        operation: `create background worker ${a.name}`,
        body: {
          type: "background_worker",
          name: a.name,
          ownerId: a.ownerId,
          repo: a.repo,
          branch: a.branch,
          autoDeploy: "no",
          serviceDetails: {
            runtime: "docker",
            plan: a.plan,
            region: a.region,
            envSpecificDetails: {
              dockerfilePath: a.dockerfilePath,
              dockerContext: a.dockerContext,
            },
          },
        },
        create: {
          lookup: async () => {
            const s = await findService(a.name, a.ownerId);
            return s ? { service: s } : undefined;
          },
        },
      });
      return { service: res.data.service, adopted: res.adopted === true };
    },

    async listEnvVars(serviceId) {
      return list<{ key: string; value: string }>(`/services/${serviceId}/env-vars`, "envVar");
    },

    async setEnvVar(serviceId, key, value) {
      // Per-key PUT only: PUT /env-vars (the collection) replaces the whole set.
      await http.request("PUT", `/services/${serviceId}/env-vars/${encodeURIComponent(key)}`, {
        operation: `set ${key}`,
        body: { value },
        secrets: [value],
      });
    },

    async deleteEnvVar(serviceId, key) {
      await http.request("DELETE", `/services/${serviceId}/env-vars/${encodeURIComponent(key)}`, {
        operation: `delete ${key}`,
        accept: [404],
      });
    },

    listDeploys,

    async createDeploy(serviceId, since) {
      // A deploy created after `since` and still active is the one we want.
      const lookup = async () =>
        (await listDeploys(serviceId, 5)).find(
          (d) => DEPLOY_ACTIVE.has(d.status) && Date.parse(d.createdAt) >= since.getTime(),
        );
      const existing = await lookup();
      if (existing) return existing;
      const res = await http.request<RenderDeploy | undefined>(
        "POST",
        `/services/${serviceId}/deploys`,
        { operation: "trigger a deploy", body: { clearCache: "do_not_clear" }, create: { lookup } },
      );
      // 202 has no body: the deploy is queued; find it when listed.
      return res.data ?? (await lookup());
    },

    async getService(serviceId) {
      const res = await http.request<RenderService>(
        "GET",
        `/services/${encodeURIComponent(serviceId)}`,
        { operation: `get service ${serviceId}`, accept: [404] },
      );
      return res.status === 404 ? undefined : res.data;
    },

    async deleteService(serviceId) {
      const res = await http.request("DELETE", `/services/${encodeURIComponent(serviceId)}`, {
        operation: `delete service ${serviceId}`,
        accept: [404],
      });
      return res.status === 404 ? "gone" : "deleted";
    },
  };
}
