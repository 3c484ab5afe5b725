// Render API client: owners, services by name, per-key env vars, deploys, deploy hook.
import { createHttp, type HttpConfig, type ParsedError } from "./http";

interface RenderOwner {
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

interface RenderDeploy {
  id: string;
  status: string;
  trigger?: string;
  createdAt: string;
  finishedAt?: string | null;
}

interface CreateServiceArgs {
  name: string;
  ownerId: string;
  repo: string;
  branch: string;
  region: string;
  plan: string;
  dockerfilePath: string;
  dockerContext: string;
  // The worker's environment, sent in the create: the create starts the first deploy at
  // once, and that deploy runs with what the create carried.
  envVars: { key: string; value: string }[];
}

export interface RenderClient {
  listOwners(): Promise<RenderOwner[]>;
  findService(name: string, ownerId: string): Promise<RenderService | undefined>;
  // One service by id (GET /services/{id}); undefined when it no longer exists.
  getService(id: string): Promise<RenderService | undefined>;
  // Creates the worker with its env; `deployId` is the first deploy the create started
  // (absent when an ambiguous create was adopted by name).
  createWorker(
    args: CreateServiceArgs,
  ): Promise<{ service: RenderService; adopted: boolean; deployId?: string }>;
  listEnvVars(serviceId: string): Promise<{ key: string; value: string }[]>;
  setEnvVar(serviceId: string, key: string, value: string): Promise<void>;
  // Deletes one variable (DELETE /env-vars/{key}); a missing key is not an error.
  deleteEnvVar(serviceId: string, key: string): Promise<void>;
  listDeploys(serviceId: string, limit?: number): Promise<RenderDeploy[]>;
  // The id of the service's newest deploy (the marker createDeploy takes), if any.
  newestDeployId(serviceId: string): Promise<string | undefined>;
  // A deploy newer than the deploy `after` (newest first in Render's list, so no clock is
  // compared): an active one is reused, else one is triggered.
  createDeploy(serviceId: string, after: string | undefined): Promise<RenderDeploy | undefined>;
  // Deletes a service (DELETE /services/{id}); "gone" when it did not exist.
  deleteService(serviceId: string): Promise<"deleted" | "gone">;
}

// True for a Render service id (srv-…) rather than a name.
export function isServiceId(nameOrId: string): boolean {
  return /^srv-[a-z0-9]+$/.test(nameOrId);
}

const RENDER_KEY_HELP =
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

  // One service by id; undefined when it no longer exists.
  async function getService(id: string) {
    const res = await http.request<RenderService>("GET", `/services/${encodeURIComponent(id)}`, {
      operation: `get service ${id}`,
      accept: [404],
    });
    return res.status === 404 ? undefined : res.data;
  }

  // A service by name in a workspace, or by id (srv-…, what efs init records).
  async function findService(nameOrId: string, ownerId: string) {
    if (isServiceId(nameOrId)) return getService(nameOrId);
    const found = await list<RenderService>("/services", "service", { name: nameOrId, ownerId });
    return found.find((s) => s.name === nameOrId);
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
    getService,

    async createWorker(a) {
      // ServicePOST as render-oss/cli's generated client describes it.
      const res = await http.request<{ service: RenderService; deployId?: string }>(
        "POST",
        "/services",
        {
          operation: `create background worker ${a.name}`,
          body: {
            type: "background_worker",
            name: a.name,
            ownerId: a.ownerId,
            repo: a.repo,
            branch: a.branch,
            autoDeploy: "no",
            envVars: a.envVars,
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
          secrets: a.envVars.map((v) => v.value),
          create: {
            lookup: async () => {
              const s = await findService(a.name, a.ownerId);
              return s ? { service: s } : undefined;
            },
          },
        },
      );
      return {
        service: res.data.service,
        adopted: res.adopted === true,
        deployId: res.data.deployId,
      };
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

    async newestDeployId(serviceId) {
      return (await listDeploys(serviceId, 1))[0]?.id;
    },

    async createDeploy(serviceId, after) {
      const lookup = async () => {
        const newer: RenderDeploy[] = [];
        for (const d of await listDeploys(serviceId, 20)) {
          if (d.id === after) break;
          newer.push(d);
        }
        return newer.find((d) => DEPLOY_ACTIVE.has(d.status));
      };
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

    async deleteService(serviceId) {
      const res = await http.request("DELETE", `/services/${encodeURIComponent(serviceId)}`, {
        operation: `delete service ${serviceId}`,
        accept: [404],
      });
      return res.status === 404 ? "gone" : "deleted";
    },
  };
}
