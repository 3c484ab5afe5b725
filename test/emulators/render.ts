// Stateful Render API emulation: owners, services (create, delete), env vars (per-key and
// replace-all), deploys, hooks.
import { HttpResponse } from "msw";
import { bearer, type Ctx, fail, route } from "./route";
import { type EmulatorState, newId, type RenderServiceState } from "./state";

const wrap = (field: string, items: unknown[]) =>
  items.map((item, i) => ({ [field]: item, cursor: `c${i}` }));

// Pages a list the way Render does: bare array of wrappers, ?cursor=&limit=.
function page<T>(items: T[], url: URL, field: string) {
  const limit = Math.min(Number(url.searchParams.get("limit") ?? 20), 100);
  const cursor = url.searchParams.get("cursor");
  const start = cursor ? Number(cursor.slice(1)) + 1 : 0;
  return wrap(field, items)
    .slice(start, start + limit)
    .map((w, i) => ({ ...w, cursor: `c${start + i}` }));
}

// msw handlers for the Render API under `base` (…/v1); hooks live at `hookBase`/deploy/:id.
export function renderHandlers(state: EmulatorState, base: string, hookBase: string) {
  const rd = state.render;
  const r = (
    m: Parameters<typeof route>[2],
    p: string,
    h: (c: Ctx) => Response | Promise<Response>,
  ) =>
    route(state, "render", m, base, p, (ctx) =>
      rd.keys.has(bearer(ctx.request) ?? "") ? h(ctx) : fail("render", 401, "Unauthorized"),
    );
  const svc = (ctx: Ctx) => rd.services.find((s) => s.id === ctx.params.id);
  const show = (s: RenderServiceState) => ({
    id: s.id,
    name: s.name,
    type: s.type,
    ownerId: s.ownerId,
    ...(s.repo ? { repo: s.repo } : {}),
    ...(s.branch ? { branch: s.branch } : {}),
    autoDeploy: "no",
    createdAt: s.createdAt,
    updatedAt: s.createdAt,
    dashboardUrl: `https://dashboard.render.com/worker/${s.id}`,
    notifyOnFail: "default",
    rootDir: "",
    slug: s.name,
    suspended: "not_suspended",
    suspenders: [],
    serviceDetails: workerDetails(s.serviceDetails),
  });
  const notFound = () => fail("render", 404, "Not Found");
  const addDeploy = (s: RenderServiceState, trigger: string) => {
    const d = {
      id: newId("dep-", 10),
      status: "build_in_progress",
      trigger,
      createdAt: new Date().toISOString(),
    };
    s.deploys.unshift(d);
    // A deploy runs with the env the service holds when it starts.
    s.deployEnv ??= new Map();
    s.deployEnv.set(d.id, new Map(s.env));
    return d;
  };

  return [
    r("get", "/owners", (ctx) => HttpResponse.json(page(rd.owners, ctx.url, "owner"))),
    r("get", "/services", (ctx) => {
      const q = ctx.url.searchParams;
      const list = rd.services.filter(
        (s) =>
          (!q.get("name") || s.name === q.get("name")) &&
          (!q.get("ownerId") || s.ownerId === q.get("ownerId")) &&
          (!q.get("type") || s.type === q.get("type")),
      );
      return HttpResponse.json(page(list.map(show), ctx.url, "service"));
    }),
    r("post", "/services", async (ctx) => {
      const body = (await ctx.json()) as {
        type?: string;
        name?: string;
        ownerId?: string;
        repo?: string;
        branch?: string;
        envVars?: { key: string; value?: string; generateValue?: boolean }[];
        serviceDetails?: Record<string, unknown>;
      };
      if (!body.name || !body.ownerId || !rd.owners.some((o) => o.id === body.ownerId))
        return fail("render", 400, "invalid ownerId or name");
      if (body.type !== "background_worker") return fail("render", 400, "unsupported type");
      const s: RenderServiceState = {
        id: newId("srv-", 10),
        name: body.name,
        type: "background_worker",
        ownerId: body.ownerId,
        repo: body.repo,
        branch: body.branch,
        createdAt: new Date().toISOString(),
        serviceDetails: body.serviceDetails ?? {},
        env: new Map(
          (body.envVars ?? []).map((e) => [e.key, e.value ?? newId("", 16)] as [string, string]),
        ),
        deploys: [],
        hookKey: newId("", 12),
      };
      rd.services.push(s);
      // The create starts the first deploy at once, with the env vars sent in the create.
      const d = addDeploy(s, "api");
      return HttpResponse.json({ service: show(s), deployId: d.id }, { status: 201 });
    }),
    r("get", "/services/:id", (ctx) => {
      const s = svc(ctx);
      return s ? HttpResponse.json(show(s)) : notFound();
    }),
    r("delete", "/services/:id", (ctx) => {
      const s = svc(ctx);
      if (!s) return notFound();
      rd.services.splice(rd.services.indexOf(s), 1);
      return new HttpResponse(null, { status: 204 });
    }),
    r("get", "/services/:id/env-vars", (ctx) => {
      const s = svc(ctx);
      if (!s) return notFound();
      return HttpResponse.json(
        page(
          [...s.env].map(([key, value]) => ({ key, value })),
          ctx.url,
          "envVar",
        ),
      );
    }),
    // The replace-all PUT: counted so tests can assert it is never used.
    r("put", "/services/:id/env-vars", async (ctx) => {
      const s = svc(ctx);
      if (!s) return notFound();
      rd.replaceAllPuts++;
      const body = (await ctx.json()) as { key: string; value: string }[];
      s.env = new Map(body.map((e) => [e.key, e.value]));
      return HttpResponse.json(
        wrap(
          "envVar",
          [...s.env].map(([key, value]) => ({ key, value })),
        ),
      );
    }),
    r("get", "/services/:id/env-vars/:key", (ctx) => {
      const s = svc(ctx);
      const value = s?.env.get(String(ctx.params.key));
      return s && value !== undefined
        ? HttpResponse.json({ key: ctx.params.key, value })
        : notFound();
    }),
    r("put", "/services/:id/env-vars/:key", async (ctx) => {
      const s = svc(ctx);
      if (!s) return notFound();
      const body = (await ctx.json()) as { value?: unknown };
      if (typeof body.value !== "string") return fail("render", 400, "value must be a string");
      s.env.set(String(ctx.params.key), body.value);
      return HttpResponse.json({ key: ctx.params.key, value: body.value });
    }),
    r("delete", "/services/:id/env-vars/:key", (ctx) => {
      const s = svc(ctx);
      if (!s?.env.delete(String(ctx.params.key))) return notFound();
      return new HttpResponse(null, { status: 204 });
    }),
    r("get", "/services/:id/deploys", (ctx) => {
      const s = svc(ctx);
      return s ? HttpResponse.json(page(s.deploys, ctx.url, "deploy")) : notFound();
    }),
    r("post", "/services/:id/deploys", (ctx) => {
      const s = svc(ctx);
      if (!s) return notFound();
      const d = addDeploy(s, "api");
      return rd.deployAnswers202
        ? new HttpResponse(null, { status: 202 })
        : HttpResponse.json(d, { status: 201 });
    }),
    route(
      state,
      "render",
      "post",
      hookBase,
      "/deploy/:id",
      (ctx) => {
        const s = svc(ctx);
        if (!s || ctx.url.searchParams.get("key") !== s.hookKey)
          return fail("render", 404, "Not Found");
        addDeploy(s, "deploy_hook");
        return HttpResponse.json({ deploy: { id: s.deploys[0]!.id } }, { status: 200 });
      },
      { undocumented: "a deploy hook is a secret URL outside Render's REST API description" },
    ),
  ];
}

// The background-worker details Render answers for what a create asked for.
function workerDetails(post: Record<string, unknown>) {
  const docker = (post.envSpecificDetails ?? {}) as Record<string, string | undefined>;
  return {
    buildPlan: "starter",
    env: "docker",
    envSpecificDetails: {
      dockerCommand: docker.dockerCommand ?? "",
      dockerContext: docker.dockerContext ?? ".",
      dockerfilePath: docker.dockerfilePath ?? "./Dockerfile",
    },
    numInstances: 1,
    plan: (post.plan as string | undefined) ?? "starter",
    region: (post.region as string | undefined) ?? "oregon",
    runtime: (post.runtime as string | undefined) ?? "docker",
  };
}

// Adds an existing worker service (as if created from render.yaml) and returns it with its hook URL.
export function seedRenderService(state: EmulatorState, name: string, hookBase: string) {
  const s: RenderServiceState = {
    id: newId("srv-", 10),
    name,
    type: "background_worker",
    ownerId: state.render.owners[0]!.id,
    createdAt: new Date().toISOString(),
    serviceDetails: { runtime: "docker" },
    env: new Map([["KEEP_ME", "1"]]),
    deploys: [],
    hookKey: newId("", 12),
  };
  state.render.services.push(s);
  return { service: s, hookUrl: `${hookBase}/deploy/${s.id}?key=${s.hookKey}` };
}
