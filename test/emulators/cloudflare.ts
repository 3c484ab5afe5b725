// Stateful Cloudflare emulation: R2 buckets (+CORS, lifecycle rules, delete), API tokens
// (create, update, roll, delete), permission groups.
import { HttpResponse } from "msw";
import { bearer, type Ctx, fail, route } from "./route";
import { type CfBucket, type CfToken, type EmulatorState, newId } from "./state";

const ok = (result: unknown, extra: Record<string, unknown> = {}, status = 200) =>
  HttpResponse.json({ success: true, errors: [], messages: [], result, ...extra }, { status });

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const JURISDICTIONS = ["default", "eu", "fedramp"] as const;

// The jurisdiction a bucket call addresses (header cf-r2-jurisdiction, default "default").
function jurisdictionOf(ctx: Ctx): CfBucket["jurisdiction"] {
  const j = ctx.request.headers.get("cf-r2-jurisdiction") ?? "default";
  return (JURISDICTIONS as readonly string[]).includes(j)
    ? (j as CfBucket["jurisdiction"])
    : "default";
}

// A bucket as the API shows it (CORS and lifecycle rules are their own resources).
const showBucket = ({ cors: _c, lifecycle: _l, ...b }: CfBucket) => b;

// The rule R2 gives every new bucket (developers.cloudflare.com/r2/buckets/object-lifecycles:
// "Buckets have a default lifecycle policy to expire multipart uploads seven days after
// initiation").
export const DEFAULT_R2_RULE = Object.freeze({
  id: "Default Multipart Abort Rule",
  enabled: true,
  conditions: { prefix: "" },
  abortMultipartUploadsTransition: { condition: { maxAge: 604_800, type: "Age" } },
});

// Sets an emulated bucket's lifecycle rules (as if set in the dashboard).
export function setBucketLifecycle(state: EmulatorState, name: string, rules: unknown[]): void {
  const b = state.cloudflare.buckets.find((x) => x.name === name);
  if (!b) throw new Error(`no emulated bucket ${name}`);
  b.lifecycle = rules;
}

// The lifecycle rules of an emulated bucket (undefined when there is no such bucket).
export function bucketLifecycle(state: EmulatorState, name: string): unknown[] | undefined {
  const b = state.cloudflare.buckets.find((x) => x.name === name);
  return b ? (b.lifecycle ?? [DEFAULT_R2_RULE]) : undefined;
}

interface TokenBody {
  name?: string;
  policies?: {
    effect?: string;
    resources?: Record<string, string>;
    permission_groups?: { id: string }[];
  }[];
}

const R2_BUCKET_RESOURCE =
  /^com\.cloudflare\.edge\.r2\.bucket\.[0-9a-f]{32}_(default|eu|fedramp)_[a-z0-9-]+$/;

// Policies as Cloudflare keeps them: each gets an id; the groups keep what was sent.
const stored = (policies: TokenBody["policies"]) =>
  policies?.map((p) => ({ id: newId("", 16), ...p }));

// msw handlers for the Cloudflare API under `base` (…/client/v4).
export function cloudflareHandlers(state: EmulatorState, base: string) {
  const cf = state.cloudflare;
  const r = (
    m: Parameters<typeof route>[2],
    p: string,
    h: (c: Ctx, t: CfToken) => Response | Promise<Response>,
  ) =>
    route(state, "cloudflare", m, base, p, (ctx) => {
      const token = cf.tokens.find((t) => t.value === bearer(ctx.request));
      if (!token) return fail("cloudflare", 400, "Invalid request headers", 6003);
      return h(ctx, token);
    });
  const acctOk = (ctx: Ctx, t: CfToken) => {
    if (ctx.params.acct !== cf.accountId)
      return fail("cloudflare", 403, "Authentication error", 10000);
    if (!t.canR2) return fail("cloudflare", 403, "Authentication error", 10000);
    if (!cf.r2Enabled)
      return fail("cloudflare", 403, "Please enable R2 through the Cloudflare Dashboard.", 10042);
    return undefined;
  };
  // The bucket named in the path, in the jurisdiction the call addresses.
  const bucketOf = (ctx: Ctx) =>
    cf.buckets.find((x) => x.name === ctx.params.name && x.jurisdiction === jurisdictionOf(ctx));
  const mintOk = (t: CfToken, scope: "user" | "account") => {
    if (!t.canMintTokens)
      return fail("cloudflare", 403, "Unauthorized to access requested resource", 9109);
    if (t.scope !== scope) return fail("cloudflare", 401, "Invalid API Token", 1000);
    return undefined;
  };

  // A create/update body the emulation serves: a name and one policy on one R2 bucket with a
  // known permission group (what efs sends); the 400 Cloudflare gives otherwise.
  const invalidToken = (body: TokenBody) => {
    const policy = body.policies?.[0];
    const resource = Object.keys(policy?.resources ?? {})[0] ?? "";
    if (!body.name || !R2_BUCKET_RESOURCE.test(resource))
      return fail("cloudflare", 400, "Invalid policy resources", 1001);
    if (!cf.permissionGroups.some((g) => g.id === policy?.permission_groups?.[0]?.id))
      return fail("cloudflare", 400, "Invalid permission group", 1001);
    return undefined;
  };

  const tokenRoutes = (prefix: string, scope: "user" | "account") => [
    r("get", `${prefix}/tokens/verify`, (ctx, t) => {
      if (scope === "account" && ctx.params.acct !== cf.accountId)
        return fail("cloudflare", 403, "Authentication error", 10000);
      if (t.scope !== scope) return fail("cloudflare", 401, "Invalid API Token", 1000);
      return ok({ id: t.id, status: t.status });
    }),
    r(
      "get",
      `${prefix}/tokens/permission_groups`,
      (_ctx, t) => mintOk(t, scope) ?? ok(cf.permissionGroups),
    ),
    r("get", `${prefix}/tokens`, (ctx, t) => {
      const denied = mintOk(t, scope);
      if (denied) return denied;
      const perPage = Number(ctx.url.searchParams.get("per_page") ?? 20);
      const page = Number(ctx.url.searchParams.get("page") ?? 1);
      const list = cf.tokens.filter((x) => x.scope === scope);
      const slice = list.slice((page - 1) * perPage, page * perPage);
      return ok(
        slice.map(({ id, name, status, policies }) => ({ id, name, status, policies })),
        {
          result_info: {
            page,
            per_page: perPage,
            count: slice.length,
            total_count: list.length,
          },
        },
      );
    }),
    r("post", `${prefix}/tokens`, async (ctx, t) => {
      const denied = mintOk(t, scope);
      if (denied) return denied;
      const body = (await ctx.json()) as TokenBody;
      const invalid = invalidToken(body);
      if (invalid) return invalid;
      const preset = cf.nextTokens?.shift();
      const token: CfToken = {
        id: preset?.id ?? newId("", 16),
        name: body.name!,
        value: preset?.value ?? newId("cfv", 20),
        status: "active",
        scope,
        canMintTokens: false,
        canR2: false,
        policies: stored(body.policies),
      };
      cf.tokens.push(token);
      return ok({ id: token.id, name: token.name, status: token.status, value: token.value });
    }),
    r("delete", `${prefix}/tokens/:id`, (ctx, t) => {
      if (scope === "account" && ctx.params.acct !== cf.accountId)
        return fail("cloudflare", 403, "Authentication error", 10000);
      const denied = mintOk(t, scope);
      if (denied) return denied;
      const i = cf.tokens.findIndex((x) => x.id === ctx.params.id && x.scope === scope);
      if (i < 0) return fail("cloudflare", 404, "Token not found", 1003);
      const [gone] = cf.tokens.splice(i, 1);
      return ok({ id: gone!.id });
    }),
    // Update Token: replaces name, status and policies; the value (the secret) stays.
    r("put", `${prefix}/tokens/:id`, async (ctx, t) => {
      if (scope === "account" && ctx.params.acct !== cf.accountId)
        return fail("cloudflare", 403, "Authentication error", 10000);
      const denied = mintOk(t, scope);
      if (denied) return denied;
      const token = cf.tokens.find((x) => x.id === ctx.params.id && x.scope === scope);
      if (!token) return fail("cloudflare", 404, "Token not found", 1003);
      const body = (await ctx.json()) as TokenBody & { status?: string };
      const invalid = invalidToken(body);
      if (invalid) return invalid;
      if (body.status !== "active")
        return fail("cloudflare", 400, "Only active tokens are emulated", 1001);
      token.name = body.name!;
      token.policies = stored(body.policies);
      const { id, name, status, policies } = token;
      return ok({ id, name, status, policies });
    }),
    r("put", `${prefix}/tokens/:id/value`, (ctx, t) => {
      const denied = mintOk(t, scope);
      if (denied) return denied;
      const token = cf.tokens.find((x) => x.id === ctx.params.id && x.scope === scope);
      if (!token) return fail("cloudflare", 404, "Token not found", 1003);
      token.value = newId("cfv", 20);
      return ok(token.value);
    }),
  ];

  return [
    ...tokenRoutes("/user", "user"),
    ...tokenRoutes("/accounts/:acct", "account"),
    r("get", "/accounts/:acct/r2/buckets", (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const q = ctx.url.searchParams;
      const perPage = Math.min(Number(q.get("per_page") ?? cf.listPageSize), cf.listPageSize);
      const contains = q.get("name_contains") ?? "";
      const jurisdiction = jurisdictionOf(ctx);
      const sorted = cf.buckets
        .filter((b) => b.name.includes(contains) && b.jurisdiction === jurisdiction)
        .sort((a, b) => a.name.localeCompare(b.name));
      const start = q.get("cursor") ? sorted.findIndex((b) => b.name > String(q.get("cursor"))) : 0;
      const page = start < 0 ? [] : sorted.slice(start, start + perPage);
      const more = start >= 0 && start + perPage < sorted.length;
      const buckets = page.map(showBucket);
      return ok(
        { buckets },
        {
          result_info: {
            per_page: perPage,
            ...(more ? { cursor: page[page.length - 1]?.name } : {}),
          },
        },
      );
    }),
    r("post", "/accounts/:acct/r2/buckets", async (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const body = (await ctx.json()) as { name?: string; locationHint?: string };
      const name = body.name ?? "";
      if (!BUCKET_NAME.test(name))
        return fail("cloudflare", 400, "The specified bucket name is not valid.", 10005);
      // Names are unique per account, across jurisdictions.
      if (cf.buckets.some((b) => b.name === name)) {
        return fail(
          "cloudflare",
          409,
          "The bucket you tried to create already exists, and you own it.",
          10073,
        );
      }
      const bucket: CfBucket = {
        name,
        jurisdiction: jurisdictionOf(ctx),
        creation_date: new Date().toISOString(),
        location: body.locationHint ?? "enam",
        storage_class: "Standard",
      };
      cf.buckets.push(bucket);
      return ok(showBucket(bucket));
    }),
    r("get", "/accounts/:acct/r2/buckets/:name", (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const b = bucketOf(ctx);
      if (!b) return fail("cloudflare", 404, "The specified bucket does not exist.", 10006);
      return ok(showBucket(b));
    }),
    r("put", "/accounts/:acct/r2/buckets/:name/cors", async (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const b = bucketOf(ctx);
      if (!b) return fail("cloudflare", 404, "The specified bucket does not exist.", 10006);
      const body = (await ctx.json()) as { rules?: unknown[] };
      if (!Array.isArray(body.rules))
        return fail("cloudflare", 400, "rules must be an array", 10040);
      b.cors = body.rules;
      return ok({});
    }),
    r("get", "/accounts/:acct/r2/buckets/:name/cors", (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const b = bucketOf(ctx);
      if (!b) return fail("cloudflare", 404, "The specified bucket does not exist.", 10006);
      if (!b.cors) return fail("cloudflare", 404, "The CORS configuration does not exist.", 10059);
      return ok({ rules: b.cors });
    }),
    r("get", "/accounts/:acct/r2/buckets/:name/lifecycle", (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const b = bucketOf(ctx);
      if (!b) return fail("cloudflare", 404, "The specified bucket does not exist.", 10006);
      return ok({ rules: b.lifecycle ?? [DEFAULT_R2_RULE] });
    }),
    // Replaces every rule of the bucket (its default rule too, unless the body keeps it).
    r("put", "/accounts/:acct/r2/buckets/:name/lifecycle", async (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const b = bucketOf(ctx);
      if (!b) return fail("cloudflare", 404, "The specified bucket does not exist.", 10006);
      const body = (await ctx.json()) as { rules?: unknown[] };
      b.lifecycle = body.rules ?? [];
      return ok({});
    }),
    r("delete", "/accounts/:acct/r2/buckets/:name", async (ctx, t) => {
      const denied = acctOk(ctx, t);
      if (denied) return denied;
      const b = bucketOf(ctx);
      if (!b) return fail("cloudflare", 404, "The specified bucket does not exist.", 10006);
      if (((await cf.objectCount?.(b.name)) ?? 0) > 0)
        return fail("cloudflare", 409, "The bucket you tried to delete is not empty.", 10008);
      cf.buckets.splice(cf.buckets.indexOf(b), 1);
      return ok({});
    }),
  ];
}
