// Cloudflare client: R2 buckets and CORS, API tokens scoped to one bucket (S3 credentials).
import { createHash } from "node:crypto";
import { R2_JURISDICTIONS, type R2Jurisdiction } from "@efs/core/r2";
import { ProviderError } from "./errors";
import { createHttp, type Http, type HttpConfig, type ParsedError } from "./http";

interface R2Bucket {
  name: string;
  creation_date?: string;
  jurisdiction?: R2Jurisdiction;
  location?: string;
  storage_class?: string;
}

export interface CorsRule {
  allowed: { origins: string[]; methods: string[]; headers?: string[] };
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

/** One R2 object lifecycle rule (Cloudflare's shape; `maxAge` in seconds). */
export interface LifecycleRule {
  id: string;
  enabled: boolean;
  conditions: { prefix: string };
  deleteObjectsTransition?: {
    condition?: { type: "Age"; maxAge: number } | { type: "Date"; date: string };
  };
  abortMultipartUploadsTransition?: { condition?: { type: "Age"; maxAge: number } };
  storageClassTransitions?: unknown[];
}

/** What a delete found: it removed the resource, or the resource was already gone. */
type DeleteOutcome = "deleted" | "gone";

/** One access policy of an API token (what the token list shows and an update sends). */
interface TokenPolicy {
  id?: string;
  effect: "allow" | "deny";
  resources: Record<string, unknown>;
  permission_groups: { id: string; name?: string }[];
}

export interface ApiToken {
  id: string;
  name: string;
  status: string;
  value?: string;
  policies?: TokenPolicy[];
  // Kept as they are when efs updates the token's policies.
  condition?: unknown;
  expires_on?: string;
  not_before?: string;
}

interface PermissionGroup {
  id: string;
  name: string;
  scopes?: string[];
}

// Which token endpoints the bootstrap token works with.
export type TokenScope = "user" | "account";

export interface CloudflareClient {
  // The bootstrap token's id and endpoint family (asked once per client, then kept).
  verifyToken(): Promise<{ id: string; status: string; scope: TokenScope }>;
  getBucket(name: string): Promise<R2Bucket | undefined>;
  listBuckets(nameContains?: string): Promise<R2Bucket[]>;
  createBucket(
    name: string,
    locationHint?: string,
  ): Promise<{ bucket: R2Bucket; existed: boolean }>;
  putCors(bucket: string, rules: CorsRule[]): Promise<void>;
  getCors(bucket: string): Promise<CorsRule[] | undefined>;
  findPermissionGroup(name: string, scope: TokenScope): Promise<PermissionGroup>;
  findTokenByName(name: string, scope: TokenScope): Promise<ApiToken | undefined>;
  listTokens(scope: TokenScope): Promise<ApiToken[]>;
  createBucketToken(args: BucketTokenArgs): Promise<{ token: ApiToken; adopted: boolean }>;
  rollToken(id: string, scope: TokenScope): Promise<string>;
  // The policy resource of `bucket` in this client's account and jurisdiction.
  bucketResource(bucket: string): string;
  // Replaces the token's policies with the one createBucketToken gives a new token (its value,
  // so the S3 secret derived from it, stays the same).
  scopeTokenToBucket(token: ApiToken, args: Omit<BucketTokenArgs, "name">): Promise<void>;
  // The bucket's lifecycle rules ([] when it has none).
  getLifecycle(bucket: string): Promise<LifecycleRule[]>;
  // Replaces the bucket's lifecycle rules (callers merge with getLifecycle first).
  putLifecycle(bucket: string, rules: LifecycleRule[]): Promise<void>;
  // Deletes an empty bucket; a bucket that still holds objects is a ProviderError (409).
  deleteBucket(name: string): Promise<DeleteOutcome>;
  deleteToken(id: string, scope: TokenScope): Promise<DeleteOutcome>;
}

interface BucketTokenArgs {
  name: string;
  bucket: string;
  scope: TokenScope;
  permissionGroupId: string;
}

export const R2_ITEM_WRITE = "Workers R2 Storage Bucket Item Write";
export const TOKEN_DASHBOARD = "https://dash.cloudflare.com/profile/api-tokens";

interface Envelope<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result: T;
  result_info?: { cursor?: string; page?: number; per_page?: number; total_count?: number };
}

// The policy resource naming one R2 bucket (what a bucket-scoped token's policy grants).
function r2BucketResource(accountId: string, jurisdiction: R2Jurisdiction, bucket: string): string {
  return `com.cloudflare.edge.r2.bucket.${accountId}_${jurisdiction}_${bucket}`;
}

// The policies of an efs R2 token: the permission group on that one bucket resource.
function bucketPolicies(resource: string, permissionGroupId: string): TokenPolicy[] {
  return [
    {
      effect: "allow",
      resources: { [resource]: "*" },
      permission_groups: [{ id: permissionGroupId }],
    },
  ];
}

// True when every policy of `token` allows on `resource` alone (and it has one): a token
// scoped to another bucket, or to more than this one, is not.
export function tokenScopedTo(token: ApiToken, resource: string): boolean {
  const policies = token.policies ?? [];
  return (
    policies.length > 0 &&
    policies.every((p) => {
      const keys = Object.keys(p.resources ?? {});
      return p.effect === "allow" && keys.length === 1 && keys[0] === resource;
    })
  );
}

// The bucket resources a token's policies name (for messages).
export function tokenResources(token: ApiToken): string[] {
  return [...new Set((token.policies ?? []).flatMap((p) => Object.keys(p.resources ?? {})))];
}

// S3 credentials for a Cloudflare API token: id as access key, sha256(value) hex as secret.
export function s3CredentialsFromToken(token: { id: string; value: string }) {
  return {
    accessKeyId: token.id,
    secretAccessKey: createHash("sha256").update(token.value).digest("hex"),
  };
}

function parseError(body: unknown): ParsedError {
  const env = body as Partial<Envelope<unknown>> | undefined;
  const first = env?.errors?.[0];
  if (!first) return {};
  return { message: env?.errors?.map((e) => e.message).join("; "), code: String(first.code) };
}

function hint(status: number, err: ParsedError, operation: string): string | undefined {
  if (status === 401 || err.code === "10000") {
    return `CLOUDFLARE_API_TOKEN is invalid or lacks access to this account; create one at ${TOKEN_DASHBOARD}`;
  }
  if (err.code === "9109" || (status === 403 && /token/i.test(operation))) {
    return `CLOUDFLARE_API_TOKEN cannot manage API tokens: add the "Account API Tokens: Edit" (or "User API Tokens: Edit") permission at ${TOKEN_DASHBOARD}`;
  }
  if (err.code === "10042") {
    return "R2 is not enabled on this account: open R2 in the Cloudflare dashboard once and accept the terms";
  }
  if (status === 403) {
    return `CLOUDFLARE_API_TOKEN needs the "Workers R2 Storage: Edit" permission (${TOKEN_DASHBOARD})`;
  }
  if (status === 404 && /bucket/i.test(operation))
    return "check --bucket and CLOUDFLARE_ACCOUNT_ID";
  return undefined;
}

export interface CloudflareOptions extends Partial<HttpConfig> {
  token: string;
  accountId: string;
  baseUrl: string;
  // The jurisdiction of the bucket calls (header cf-r2-jurisdiction); default "default".
  jurisdiction?: R2Jurisdiction;
}

// Creates the Cloudflare client for one account and bootstrap token.
export function createCloudflareClient(opts: CloudflareOptions): CloudflareClient {
  const http: Http = createHttp({
    ...opts,
    provider: "cloudflare",
    baseUrl: opts.baseUrl,
    headers: { authorization: `Bearer ${opts.token}` },
    secrets: [opts.token],
    parseError,
    hint,
  });
  const acct = `/accounts/${encodeURIComponent(opts.accountId)}`;
  const jurisdiction = opts.jurisdiction ?? "default";
  const inJurisdiction = (j: R2Jurisdiction = jurisdiction): Record<string, string> =>
    j === "default" ? {} : { "cf-r2-jurisdiction": j };
  const bucketResource = (bucket: string) => r2BucketResource(opts.accountId, jurisdiction, bucket);
  const tokensBase = (scope: TokenScope) => (scope === "user" ? "/user/tokens" : `${acct}/tokens`);

  async function getBucket(name: string, j: R2Jurisdiction = jurisdiction) {
    const res = await http.request<Envelope<R2Bucket>>("GET", `${acct}/r2/buckets/${name}`, {
      operation: `get R2 bucket ${name}`,
      accept: [404],
      headers: inJurisdiction(j),
    });
    return res.status === 404 ? undefined : res.data.result;
  }

  async function listTokens(scope: TokenScope): Promise<ApiToken[]> {
    const all: ApiToken[] = [];
    for (let page = 1; page <= 100; page++) {
      const res = await http.request<Envelope<ApiToken[]>>("GET", tokensBase(scope), {
        operation: "list API tokens",
        query: { page, per_page: 50 },
      });
      all.push(...res.data.result);
      // Published result_info has count/total_count (no total_pages): stop on a short page.
      const total = res.data.result_info?.total_count;
      if (res.data.result.length < 50 || (total !== undefined && all.length >= total)) break;
    }
    return all;
  }

  async function findTokenByName(name: string, scope: TokenScope) {
    return (await listTokens(scope)).find((t) => t.name === name);
  }

  async function verify(): Promise<{ id: string; status: string; scope: TokenScope }> {
    const user = await http.request<Envelope<{ id: string; status: string }>>(
      "GET",
      "/user/tokens/verify",
      { operation: "verify CLOUDFLARE_API_TOKEN", accept: [401, 403] },
    );
    if (user.status === 200) return { ...user.data.result, scope: "user" };
    // Account-owned tokens only verify under their account.
    const account = await http.request<Envelope<{ id: string; status: string }>>(
      "GET",
      `${acct}/tokens/verify`,
      { operation: "verify CLOUDFLARE_API_TOKEN" },
    );
    return { ...account.data.result, scope: "account" };
  }
  // The client's token does not change: verified once (a failure is not kept, so it is retried).
  let verified: ReturnType<typeof verify> | undefined;

  return {
    verifyToken() {
      verified ??= verify().catch((e: unknown) => {
        verified = undefined;
        throw e;
      });
      return verified;
    },

    getBucket: (name) => getBucket(name),

    async listBuckets(nameContains) {
      const all: R2Bucket[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 100; i++) {
        const res = await http.request<Envelope<{ buckets: R2Bucket[] }>>(
          "GET",
          `${acct}/r2/buckets`,
          {
            operation: "list R2 buckets",
            query: { per_page: 100, cursor, name_contains: nameContains },
            headers: inJurisdiction(),
          },
        );
        all.push(...res.data.result.buckets);
        cursor = res.data.result_info?.cursor;
        if (!cursor) break;
      }
      return all;
    },

    async createBucket(name, locationHint) {
      const res = await http.request<Envelope<R2Bucket>>("POST", `${acct}/r2/buckets`, {
        operation: `create R2 bucket ${name}`,
        body: locationHint ? { name, locationHint } : { name },
        accept: [409],
        headers: inJurisdiction(),
      });
      if (res.status === 409) {
        const existing = await getBucket(name);
        if (existing) return { bucket: existing, existed: true };
        // Names are unique per account: the bucket is this account's, in another jurisdiction.
        for (const other of R2_JURISDICTIONS.filter((j) => j !== jurisdiction)) {
          if (await getBucket(name, other)) {
            throw new ProviderError({
              provider: "cloudflare",
              operation: `create R2 bucket ${name}`,
              status: 409,
              providerMessage: `this account already has a bucket ${name} in the ${other} jurisdiction, not in ${jurisdiction}`,
              hint: `pass --bucket-jurisdiction ${other} to use it, or choose another name with --bucket`,
            });
          }
        }
        throw new ProviderError({
          provider: "cloudflare",
          operation: `create R2 bucket ${name}`,
          status: 409,
          providerMessage: `Cloudflare says this account already has a bucket ${name}, but CLOUDFLARE_API_TOKEN cannot see it in any jurisdiction`,
          hint: "check the bucket in the Cloudflare dashboard (R2), or choose another name with --bucket",
        });
      }
      return { bucket: res.data.result, existed: false };
    },

    async putCors(bucket, rules) {
      await http.request("PUT", `${acct}/r2/buckets/${bucket}/cors`, {
        operation: `set CORS on R2 bucket ${bucket}`,
        body: { rules },
        headers: inJurisdiction(),
      });
    },

    async getCors(bucket) {
      const res = await http.request<Envelope<{ rules: CorsRule[] }>>(
        "GET",
        `${acct}/r2/buckets/${bucket}/cors`,
        { operation: `get CORS of R2 bucket ${bucket}`, accept: [404], headers: inJurisdiction() },
      );
      return res.status === 404 ? undefined : res.data.result.rules;
    },

    async findPermissionGroup(name, scope) {
      const res = await http.request<Envelope<PermissionGroup[]>>(
        "GET",
        `${tokensBase(scope)}/permission_groups`,
        { operation: "list token permission groups" },
      );
      const group = res.data.result.find((g) => g.name === name);
      if (!group) {
        throw new ProviderError({
          provider: "cloudflare",
          operation: "find permission group",
          providerMessage: `no permission group named "${name}"`,
          hint: "make sure R2 is enabled on the account",
        });
      }
      return group;
    },

    findTokenByName,
    listTokens,

    async createBucketToken(args) {
      const res = await http.request<Envelope<ApiToken>>("POST", tokensBase(args.scope), {
        operation: `create API token ${args.name}`,
        body: {
          name: args.name,
          policies: bucketPolicies(bucketResource(args.bucket), args.permissionGroupId),
        },
        create: {
          lookup: async () => {
            const found = await findTokenByName(args.name, args.scope);
            return found ? ({ success: true, result: found } as Envelope<ApiToken>) : undefined;
          },
        },
      });
      return { token: res.data.result, adopted: res.adopted === true };
    },

    async rollToken(id, scope) {
      const res = await http.request<Envelope<string>>("PUT", `${tokensBase(scope)}/${id}/value`, {
        operation: "roll API token value",
        body: {},
      });
      return res.data.result;
    },

    bucketResource,

    async scopeTokenToBucket(token, args) {
      // PUT replaces the token: send its name, status and conditions back unchanged.
      const { condition, expires_on, not_before } = token;
      await http.request("PUT", `${tokensBase(args.scope)}/${token.id}`, {
        operation: `update API token ${token.name}`,
        body: {
          name: token.name,
          status: token.status,
          policies: bucketPolicies(bucketResource(args.bucket), args.permissionGroupId),
          ...(condition !== undefined ? { condition } : {}),
          ...(expires_on !== undefined ? { expires_on } : {}),
          ...(not_before !== undefined ? { not_before } : {}),
        },
      });
    },

    async getLifecycle(bucket) {
      const res = await http.request<Envelope<{ rules?: LifecycleRule[] }>>(
        "GET",
        `${acct}/r2/buckets/${bucket}/lifecycle`,
        { operation: `get the lifecycle rules of R2 bucket ${bucket}`, headers: inJurisdiction() },
      );
      return res.data.result?.rules ?? [];
    },

    async putLifecycle(bucket, rules) {
      await http.request("PUT", `${acct}/r2/buckets/${bucket}/lifecycle`, {
        operation: `set the lifecycle rules of R2 bucket ${bucket}`,
        body: { rules },
        headers: inJurisdiction(),
      });
    },

    async deleteBucket(name) {
      const res = await http.request<Envelope<unknown>>("DELETE", `${acct}/r2/buckets/${name}`, {
        operation: `delete R2 bucket ${name}`,
        accept: [404, 409],
        headers: inJurisdiction(),
      });
      if (res.status === 409) {
        throw new ProviderError({
          provider: "cloudflare",
          operation: `delete R2 bucket ${name}`,
          status: 409,
          code: parseError(res.data).code,
          providerMessage: parseError(res.data).message ?? "the bucket is not empty",
          hint: "objects were written after it was emptied (is the app still running?); run efs destroy --only r2 again",
        });
      }
      return res.status === 404 ? "gone" : "deleted";
    },

    async deleteToken(id, scope) {
      const res = await http.request("DELETE", `${tokensBase(scope)}/${id}`, {
        operation: "delete API token",
        accept: [404],
      });
      return res.status === 404 ? "gone" : "deleted";
    },
  };
}
