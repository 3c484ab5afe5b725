// Stateful Vercel REST emulation: projects (create, settings, delete), env (upsert, failed[]),
// deployments.
import { HttpResponse } from "msw";
import { bearer, type Ctx, fail, route } from "./route";
import { type EmulatorState, newId, type VercelEnvState, type VercelProjectState } from "./state";

// msw handlers for the Vercel API under `base`.
export function vercelHandlers(state: EmulatorState, base: string) {
  const v = state.vercel;
  const r = (
    m: Parameters<typeof route>[2],
    p: string,
    h: (c: Ctx, owner: string) => Response | Promise<Response>,
  ) =>
    route(state, "vercel", m, base, p, (ctx) => {
      const tok = v.tokens.get(bearer(ctx.request) ?? "");
      if (!tok)
        return fail(
          "vercel",
          403,
          "You're not authorized to perform this action. Please check your token.",
          "forbidden",
        );
      const teamId = ctx.url.searchParams.get("teamId");
      if (teamId && !tok.teams.includes(teamId))
        return fail("vercel", 403, "Not authorized", "forbidden");
      return h(ctx, teamId ?? tok.userId);
    });
  const find = (idOrName: unknown, owner: string) =>
    v.projects.find((p) => (p.id === idOrName || p.name === idOrName) && p.accountId === owner);
  const show = (p: VercelProjectState) => ({
    id: p.id,
    name: p.name,
    accountId: p.accountId,
    framework: p.framework,
    rootDirectory: p.rootDirectory,
    nodeVersion: p.nodeVersion,
    sourceFilesOutsideRootDirectory: p.sourceFilesOutsideRootDirectory,
    alias: p.alias.map((domain) => ({ domain, environment: "production", target: "PRODUCTION" })),
    defaultResourceConfig: { functionDefaultRegions: [] },
    resourceConfig: { functionDefaultRegions: [] },
    deploymentExpiration: {},
    latestDeployments: [],
    ...(p.alias.length
      ? {
          targets: {
            production: {
              alias: p.alias,
              url: `${p.name}-abc123.vercel.app`,
              readyState: "READY",
              plan: "hobby",
              type: "LAMBDAS",
            },
          },
        }
      : {}),
  });
  // An env var as lists and writes show it: the value encrypted, never `decrypted`.
  const showEnv = ({ value, ...e }: VercelEnvState) => ({
    ...e,
    ...(e.type === "sensitive" ? {} : { value: `enc:${Buffer.from(value).toString("base64")}` }),
  });
  const notFound = () => fail("vercel", 404, "Project not found", "not_found");

  return [
    r("get", "/v9/projects/:id", (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      return p ? HttpResponse.json(show(p)) : notFound();
    }),
    // Deletes the project with its env and deployments (204, no body).
    r("delete", "/v9/projects/:id", (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      if (!p) return notFound();
      v.projects.splice(v.projects.indexOf(p), 1);
      v.deployments = v.deployments.filter((d) => d.projectId !== p.id);
      return new HttpResponse(null, { status: 204 });
    }),
    r("post", "/v11/projects", async (ctx, owner) => {
      const body = (await ctx.json()) as {
        name?: string;
        framework?: string;
        rootDirectory?: string;
      };
      if (!body.name || !/^[a-z0-9._-]{1,100}$/.test(body.name))
        return fail("vercel", 400, "Invalid project name", "bad_request");
      if (find(body.name, owner))
        return fail("vercel", 409, `Project "${body.name}" already exists.`, "conflict");
      const p: VercelProjectState = {
        id: newId("prj_", 12),
        name: body.name,
        accountId: owner,
        framework: body.framework ?? null,
        rootDirectory: body.rootDirectory ?? null,
        nodeVersion: "24.x",
        sourceFilesOutsideRootDirectory: true,
        alias: [],
        envs: [],
      };
      v.projects.push(p);
      return HttpResponse.json(show(p));
    }),
    // Project settings; Node.js versions Vercel no longer offers are refused.
    r("patch", "/v9/projects/:id", async (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      if (!p) return notFound();
      const body = (await ctx.json()) as Partial<VercelProjectState>;
      if (body.nodeVersion !== undefined && !["24.x", "22.x", "20.x"].includes(body.nodeVersion))
        return fail(
          "vercel",
          400,
          `Invalid request: nodeVersion ${body.nodeVersion}`,
          "bad_request",
        );
      for (const k of [
        "nodeVersion",
        "sourceFilesOutsideRootDirectory",
        "rootDirectory",
        "framework",
      ] as const)
        if (body[k] !== undefined) Object.assign(p, { [k]: body[k] });
      return HttpResponse.json(show(p));
    }),
    // The whole list in one answer: GET /v10/projects/{id}/env documents no paging query.
    r("get", "/v10/projects/:id/env", (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      if (!p) return notFound();
      const envs = [...p.envs].sort((a, b) => a.createdAt - b.createdAt);
      return HttpResponse.json({
        envs: envs.map((e) => ({ ...showEnv(e), securityIssues: [] })),
        hiddenProductionEnvCount: 0,
      });
    }),
    // Create, or with ?upsert=true update the variable with the same key and exactly the
    // same targets. A key whose existing targets overlap the sent ones without being the
    // same set is refused with ENV_CONFLICT (400), as Vercel answers (getsentry/sentry#118490
    // hit it upserting [production, preview, development] over [preview, production]).
    r("post", "/v10/projects/:id/env", async (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      if (!p) return notFound();
      const raw = await ctx.json();
      const items = (Array.isArray(raw) ? raw : [raw]) as {
        key: string;
        value: string;
        type: string;
        target: string[];
      }[];
      const upsert = ctx.url.searchParams.get("upsert") === "true";
      const same = (a: string[], b: string[]) =>
        a.length === b.length && a.every((t) => b.includes(t));
      for (const item of items) {
        const clash = p.envs.find(
          (e) =>
            e.key === item.key &&
            e.target.some((t) => item.target.includes(t)) &&
            !same(e.target, item.target),
        );
        if (clash) {
          return fail(
            "vercel",
            400,
            `The variable "${item.key}" already exists for another set of environments (${clash.target.join(", ")}).`,
            "ENV_CONFLICT",
          );
        }
      }
      const created: unknown[] = [];
      const failed: unknown[] = [];
      let tick = Date.now();
      for (const item of items) {
        if (v.failEnvKeys.has(item.key)) {
          failed.push({
            error: {
              code: "invalid_value",
              message: `The value of ${item.key} is invalid.`,
              key: item.key,
            },
          });
          continue;
        }
        const existing = p.envs.find((e) => e.key === item.key && same(e.target, item.target));
        if (existing && !upsert) {
          failed.push({
            error: {
              code: "ENV_ALREADY_EXISTS",
              message: `A variable with the name \`${item.key}\` already exists`,
              key: item.key,
              envVarId: existing.id,
            },
          });
          continue;
        }
        tick += 1;
        // Upsert replaces the value; the type stays (change it with PATCH).
        if (existing) Object.assign(existing, { value: item.value, updatedAt: tick });
        else
          p.envs.push({
            id: newId("env_", 8),
            key: item.key,
            value: item.value,
            type: item.type,
            target: item.target,
            createdAt: tick,
            updatedAt: tick,
          });
        created.push(showEnv(existing ?? p.envs[p.envs.length - 1]!));
      }
      return HttpResponse.json(
        { created: Array.isArray(raw) ? created : created[0], failed },
        { status: 201 },
      );
    }),
    // Edits one variable: value, type and targets.
    r("patch", "/v9/projects/:id/env/:envId", async (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      const e = p?.envs.find((x) => x.id === ctx.params.envId);
      if (!p || !e) return notFound();
      const body = (await ctx.json()) as { value?: string; type?: string; target?: string[] };
      if (body.value !== undefined && v.failEnvKeys.has(e.key))
        return fail("vercel", 400, `The value of ${e.key} is invalid.`, "invalid_value");
      const target = body.target ?? e.target;
      const other = p.envs.find(
        (x) => x !== e && x.key === e.key && x.target.some((t) => target.includes(t)),
      );
      if (other) {
        return fail(
          "vercel",
          400,
          `The variable "${e.key}" already exists for ${other.target.join(", ")}.`,
          "ENV_CONFLICT",
        );
      }
      Object.assign(e, {
        ...(body.value !== undefined ? { value: body.value } : {}),
        ...(body.type !== undefined ? { type: body.type } : {}),
        target,
        updatedAt: Date.now(),
      });
      return HttpResponse.json(showEnv(e));
    }),
    // Decrypted read of one variable; sensitive values are never returned.
    r("get", "/v1/projects/:id/env/:envId", (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      const e = p?.envs.find((x) => x.id === ctx.params.envId);
      if (!p || !e) return notFound();
      // Published: `value` with an optional `decrypted`; this stand-in never sends it.
      const { value, ...rest } = e;
      return HttpResponse.json(e.type === "sensitive" ? rest : { ...rest, value });
    }),
    r("delete", "/v9/projects/:id/env/:envId", (ctx, owner) => {
      const p = find(ctx.params.id, owner);
      const i = p ? p.envs.findIndex((x) => x.id === ctx.params.envId) : -1;
      if (!p || i < 0) return notFound();
      const [gone] = p.envs.splice(i, 1);
      return HttpResponse.json(showEnv(gone!));
    }),
    r("get", "/v7/deployments", (ctx, owner) => {
      const projectId = ctx.url.searchParams.get("projectId");
      const list = v.deployments.filter(
        (d) =>
          d.projectId === projectId &&
          v.projects.some((p) => p.id === projectId && p.accountId === owner),
      );
      return HttpResponse.json({
        deployments: list.map((d) => ({
          uid: d.uid,
          name: v.projects.find((p) => p.id === d.projectId)?.name ?? "",
          url: d.url,
          created: d.created,
          state: "READY",
          readyState: "READY",
          target: d.target,
          type: "LAMBDAS",
          creator: { uid: owner },
        })),
        pagination: { count: list.length, next: null, prev: null },
      });
    }),
    // What `vercel deploy --prod` does underneath (used by the fake CLI).
    r("post", "/v13/deployments", async (ctx, owner) => {
      const body = (await ctx.json()) as { project?: string; target?: string };
      const p = find(body.project, owner);
      if (!p) return notFound();
      const uid = newId("dpl_", 10);
      const url = `${p.name}-${uid.slice(4, 12)}.vercel.app`;
      v.deployments.push({
        uid,
        url,
        projectId: p.id,
        created: Date.now(),
        target: body.target ?? "preview",
      });
      if (body.target === "production" && p.alias.length === 0) p.alias = [`${p.name}.vercel.app`];
      return HttpResponse.json({
        id: uid,
        name: p.name,
        url,
        readyState: "READY",
        status: "READY",
        target: body.target ?? null,
        type: "LAMBDAS",
        plan: "hobby",
        regions: ["iad1"],
        env: [],
        meta: {},
        build: { env: [] },
        creator: { uid: owner },
        projectSettings: {},
      });
    }),
  ];
}
