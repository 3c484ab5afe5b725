// What `efs destroy` and the R2 retention rule need from the emulations: deletes (buckets,
// tokens, databases, projects, services, secrets) and R2 bucket lifecycle rules, stateful and
// answering like the providers (404 for what is gone, 409 for a bucket that still has objects).
import { HttpResponse } from "msw";
import { bearer, type Ctx, fail, route } from "./route";
import type { CfBucket, CfToken, EmulatorState } from "./state";

const cfOk = (result: unknown, status = 200) =>
  HttpResponse.json({ success: true, errors: [], messages: [], result }, { status });

// R2's default rule on every bucket (developers.cloudflare.com/r2/buckets/object-lifecycles).
export const DEFAULT_R2_RULE = Object.freeze({
  id: "Default Multipart Abort Rule",
  enabled: true,
  conditions: { prefix: "" },
  abortMultipartUploadsTransition: { condition: { maxAge: 604_800, type: "Age" } },
});

const lifecycles = new WeakMap<CfBucket, unknown[]>();
const objectCounters = new WeakMap<EmulatorState, (bucket: string) => Promise<number>>();

// The lifecycle rules of an emulated bucket (undefined when there is no such bucket).
export function bucketLifecycle(state: EmulatorState, name: string): unknown[] | undefined {
  const b = state.cloudflare.buckets.find((x) => x.name === name);
  return b ? (lifecycles.get(b) ?? [DEFAULT_R2_RULE]) : undefined;
}

// Sets an emulated bucket's lifecycle rules (as if set in the dashboard).
export function setBucketLifecycle(state: EmulatorState, name: string, rules: unknown[]): void {
  const b = state.cloudflare.buckets.find((x) => x.name === name);
  if (!b) throw new Error(`no emulated bucket ${name}`);
  lifecycles.set(b, rules);
}

// Links the emulated buckets to real object storage (SeaweedFS in tests), so deleting a
// bucket that still holds objects is refused as R2 refuses it.
export function countBucketObjectsWith(
  state: EmulatorState,
  count: (bucket: string) => Promise<number>,
): void {
  objectCounters.set(state, count);
}

function lifecycleRule(r: unknown): string | null {
  const rule = r as {
    id?: unknown;
    enabled?: unknown;
    conditions?: { prefix?: unknown };
    deleteObjectsTransition?: { condition?: { type?: unknown; maxAge?: unknown } };
  };
  if (typeof rule?.id !== "string" || rule.id === "") return "rule id must be a non-empty string";
  if (typeof rule.enabled !== "boolean") return "rule enabled must be a boolean";
  if (typeof rule.conditions?.prefix !== "string") return "rule conditions.prefix is required";
  const c = rule.deleteObjectsTransition?.condition;
  if (c && c.type === "Age" && !(Number.isInteger(c.maxAge) && (c.maxAge as number) > 0))
    return "deleteObjectsTransition maxAge must be a positive number of seconds";
  return null;
}

// msw handlers for the teardown and lifecycle endpoints of every provider.
export function teardownHandlers(
  state: EmulatorState,
  bases: { cloudflare: string; turso: string; vercel: string; render: string; github: string },
) {
  const cf = state.cloudflare;
  const cfRoute = (
    m: "get" | "put" | "delete",
    p: string,
    h: (c: Ctx, t: CfToken) => Response | Promise<Response>,
  ) =>
    route(state, "cloudflare", m, bases.cloudflare + p, (ctx) => {
      const token = cf.tokens.find((t) => t.value === bearer(ctx.request));
      if (!token) return fail("cloudflare", 400, "Invalid request headers", 6003);
      return h(ctx, token);
    });
  const r2Bucket = (ctx: Ctx, t: CfToken): CfBucket | Response => {
    if (ctx.params.acct !== cf.accountId || !t.canR2)
      return fail("cloudflare", 403, "Authentication error", 10000);
    const b = cf.buckets.find((x) => x.name === ctx.params.name);
    return b ?? fail("cloudflare", 404, "The specified bucket does not exist.", 10006);
  };
  const tokenDelete = (prefix: string, scope: "user" | "account") =>
    cfRoute("delete", `${prefix}/tokens/:id`, (ctx, t) => {
      if (scope === "account" && ctx.params.acct !== cf.accountId)
        return fail("cloudflare", 403, "Authentication error", 10000);
      if (!t.canMintTokens)
        return fail("cloudflare", 403, "Unauthorized to access requested resource", 9109);
      if (t.scope !== scope) return fail("cloudflare", 401, "Invalid API Token", 1000);
      const i = cf.tokens.findIndex((x) => x.id === ctx.params.id && x.scope === scope);
      if (i < 0) return fail("cloudflare", 404, "Token not found", 1003);
      const [gone] = cf.tokens.splice(i, 1);
      return cfOk({ id: gone!.id });
    });

  const turso = state.turso;
  const vercel = state.vercel;
  const render = state.render;
  const gh = state.github;

  return [
    tokenDelete("/user", "user"),
    tokenDelete("/accounts/:acct", "account"),
    cfRoute("get", "/accounts/:acct/r2/buckets/:name/lifecycle", (ctx, t) => {
      const b = r2Bucket(ctx, t);
      if (b instanceof Response) return b;
      return cfOk({ rules: lifecycles.get(b) ?? [DEFAULT_R2_RULE] });
    }),
    cfRoute("put", "/accounts/:acct/r2/buckets/:name/lifecycle", async (ctx, t) => {
      const b = r2Bucket(ctx, t);
      if (b instanceof Response) return b;
      const body = (await ctx.json()) as { rules?: unknown };
      if (!Array.isArray(body.rules))
        return fail("cloudflare", 400, "rules must be an array", 10040);
      const problem = body.rules.map(lifecycleRule).find((p) => p !== null);
      if (problem) return fail("cloudflare", 400, problem, 10040);
      lifecycles.set(b, body.rules);
      return cfOk({});
    }),
    cfRoute("delete", "/accounts/:acct/r2/buckets/:name", async (ctx, t) => {
      const b = r2Bucket(ctx, t);
      if (b instanceof Response) return b;
      const objects = (await objectCounters.get(state)?.(b.name)) ?? 0;
      if (objects > 0)
        return fail("cloudflare", 409, "The bucket you tried to delete is not empty.", 10008);
      cf.buckets.splice(cf.buckets.indexOf(b), 1);
      return cfOk({});
    }),

    route(
      state,
      "turso",
      "delete",
      `${bases.turso}/v1/organizations/:org/databases/:name`,
      (ctx) => {
        if (!turso.tokens.has(bearer(ctx.request) ?? ""))
          return fail("turso", 401, "token is invalid");
        const org = String(ctx.params.org);
        if (!turso.orgs.some((o) => o.slug === org))
          return fail("turso", 403, "you do not have access to this organization");
        const list = turso.dbs.get(org) ?? [];
        const i = list.findIndex((d) => d.Name === ctx.params.name);
        if (i < 0) return fail("turso", 404, `database ${ctx.params.name} not found`);
        const [gone] = list.splice(i, 1);
        turso.minted = turso.minted.filter((m) => !(m.org === org && m.db === gone!.Name));
        return HttpResponse.json({ database: gone!.Name });
      },
    ),

    route(state, "vercel", "delete", `${bases.vercel}/v9/projects/:id`, (ctx) => {
      const tok = vercel.tokens.get(bearer(ctx.request) ?? "");
      if (!tok) return fail("vercel", 403, "Not authorized", "forbidden");
      const teamId = ctx.url.searchParams.get("teamId");
      if (teamId && !tok.teams.includes(teamId))
        return fail("vercel", 403, "Not authorized", "forbidden");
      const owner = teamId ?? tok.userId;
      const i = vercel.projects.findIndex(
        (p) => (p.id === ctx.params.id || p.name === ctx.params.id) && p.accountId === owner,
      );
      if (i < 0) return fail("vercel", 404, "Project not found", "not_found");
      const [gone] = vercel.projects.splice(i, 1);
      vercel.deployments = vercel.deployments.filter((d) => d.projectId !== gone!.id);
      return new HttpResponse(null, { status: 204 });
    }),

    route(state, "render", "delete", `${bases.render}/services/:id`, (ctx) => {
      if (!render.keys.has(bearer(ctx.request) ?? "")) return fail("render", 401, "Unauthorized");
      const i = render.services.findIndex((s) => s.id === ctx.params.id);
      if (i < 0) return fail("render", 404, "Not Found");
      render.services.splice(i, 1);
      return new HttpResponse(null, { status: 204 });
    }),

    route(
      state,
      "github",
      "delete",
      `${bases.github}/repos/:owner/:repo/actions/secrets/:name`,
      (ctx) => {
        const tok = gh.tokens.get(bearer(ctx.request) ?? "");
        if (!tok) return fail("github", 401, "Bad credentials");
        const repo = gh.repos.get(`${ctx.params.owner}/${ctx.params.repo}`);
        if (!repo) return fail("github", 404, "Not Found");
        if (!tok.canSecrets)
          return fail("github", 403, "Resource not accessible by personal access token");
        if (!repo.secrets.delete(String(ctx.params.name))) return fail("github", 404, "Not Found");
        return new HttpResponse(null, { status: 204 });
      },
    ),
  ];
}
