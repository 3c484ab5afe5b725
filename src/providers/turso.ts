// Turso Platform API client: organizations, groups, databases and database tokens.
import { ProviderError } from "./errors";
import { createHttp, type HttpConfig, type ParsedError } from "./http";

interface TursoOrg {
  name: string;
  slug: string;
  type: "personal" | "team";
}

export interface TursoDatabase {
  Name: string;
  DbId: string;
  Hostname: string;
  group?: string;
  primaryRegion?: string;
}

interface TursoGroup {
  name: string;
  uuid?: string;
  primary?: string;
  locations?: string[];
}

export interface TursoClient {
  validate(): Promise<{ exp: number }>;
  listOrgs(): Promise<TursoOrg[]>;
  listGroups(org: string): Promise<TursoGroup[]>;
  ensureGroup(org: string, name: string, location: string): Promise<{ created: boolean }>;
  getDatabase(org: string, name: string): Promise<TursoDatabase | undefined>;
  createDatabase(
    org: string,
    name: string,
    group: string,
  ): Promise<{ db: TursoDatabase; existed: boolean }>;
  mintToken(org: string, db: string): Promise<string>;
  // Invalidates every token of the database (POST …/auth/rotate): Turso cannot revoke one.
  invalidateTokens(org: string, db: string): Promise<void>;
  // Deletes a database (its tokens die with it); "gone" when it did not exist.
  deleteDatabase(org: string, name: string): Promise<"deleted" | "gone">;
}

const TURSO_TOKEN_HELP =
  "set TURSO_API_TOKEN to a platform API token (`turso auth api-tokens mint efs`), or log in with `turso auth login`";

// Database URL from the API's Hostname (never built by hand).
export function tursoUrl(db: { Hostname: string }): string {
  return `libsql://${db.Hostname}`;
}

function parseError(body: unknown): ParsedError {
  const b = body as { error?: unknown; code?: string } | undefined;
  if (typeof b?.error === "string") return { message: b.error, code: b.code };
  return {};
}

function hint(status: number, err: ParsedError): string | undefined {
  if (status === 401) return `TURSO_API_TOKEN is invalid or expired: ${TURSO_TOKEN_HELP}`;
  if (status === 402 || err.code?.includes("plan")) {
    return "your Turso plan does not allow this: upgrade at https://app.turso.tech or pick another --turso-org";
  }
  if (status === 403)
    return "TURSO_API_TOKEN has no access to this organization: check --turso-org";
  return undefined;
}

export interface TursoOptions extends Partial<HttpConfig> {
  token: string;
  baseUrl: string;
}

// Creates the Turso client for one platform API token.
export function createTursoClient(opts: TursoOptions): TursoClient {
  const http = createHttp({
    ...opts,
    provider: "turso",
    baseUrl: opts.baseUrl,
    headers: { authorization: `Bearer ${opts.token}` },
    secrets: [opts.token],
    parseError,
    hint,
  });
  const orgPath = (org: string) => `/v1/organizations/${encodeURIComponent(org)}`;

  async function getDatabase(org: string, name: string) {
    const res = await http.request<{ database: TursoDatabase }>(
      "GET",
      `${orgPath(org)}/databases/${encodeURIComponent(name)}`,
      { operation: `get database ${name}`, accept: [404] },
    );
    return res.status === 404 ? undefined : res.data.database;
  }

  async function listGroups(org: string) {
    const res = await http.request<{ groups: TursoGroup[] }>("GET", `${orgPath(org)}/groups`, {
      operation: "list groups",
    });
    return res.data.groups;
  }

  return {
    async validate() {
      return (
        await http.request<{ exp: number }>("GET", "/v1/auth/validate", {
          operation: "validate TURSO_API_TOKEN",
        })
      ).data;
    },

    async listOrgs() {
      return (
        await http.request<TursoOrg[]>("GET", "/v1/organizations", {
          operation: "list organizations",
        })
      ).data;
    },

    listGroups,

    async ensureGroup(org, name, location) {
      if ((await listGroups(org)).some((g) => g.name === name)) return { created: false };
      const res = await http.request("POST", `${orgPath(org)}/groups`, {
        operation: `create group ${name}`,
        body: { name, location },
        accept: [409, 422],
      });
      return { created: res.status === 200 };
    },

    getDatabase,

    async createDatabase(org, name, group) {
      const res = await http.request<{ database: TursoDatabase }>(
        "POST",
        `${orgPath(org)}/databases`,
        { operation: `create database ${name}`, body: { name, group }, accept: [409, 422] },
      );
      if (res.status === 200 && res.data.database.Hostname) {
        return { db: res.data.database, existed: false };
      }
      const existing = await getDatabase(org, name);
      if (!existing) {
        throw new ProviderError({
          provider: "turso",
          operation: `create database ${name}`,
          status: res.status,
          providerMessage: "name not available",
          hint: "choose another name with --db",
        });
      }
      return { db: existing, existed: res.status !== 200 };
    },

    async mintToken(org, db) {
      // Not idempotent, and JWTs cannot be listed: callers store the result at once.
      const res = await http.request<{ jwt: string }>(
        "POST",
        `${orgPath(org)}/databases/${encodeURIComponent(db)}/auth/tokens`,
        {
          operation: `create a token for database ${db}`,
          query: { expiration: "never", authorization: "full-access" },
          create: {},
        },
      );
      return res.data.jwt;
    },

    async invalidateTokens(org, db) {
      await http.request(
        "POST",
        `${orgPath(org)}/databases/${encodeURIComponent(db)}/auth/rotate`,
        {
          operation: `invalidate the tokens of database ${db}`,
        },
      );
    },

    async deleteDatabase(org, name) {
      const res = await http.request(
        "DELETE",
        `${orgPath(org)}/databases/${encodeURIComponent(name)}`,
        { operation: `delete database ${name}`, accept: [404] },
      );
      return res.status === 404 ? "gone" : "deleted";
    },
  };
}
