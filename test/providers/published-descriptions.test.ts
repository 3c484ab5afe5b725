// The emulations are held to the providers' published API descriptions: every endpoint is
// a documented operation, and a request or an answer outside the description is caught
// (recorded, answered with HTTP 500, and failing the test through useEmulators).
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createTursoClient } from "../../src/providers/turso";
import { createVercelClient } from "../../src/providers/vercel";
import { fastRetries, useEmulators } from "../emulators/msw";
import { descriptionOf } from "../emulators/published";
import { route } from "../emulators/route";
import { TEST_CREDENTIALS as C, type Provider } from "../emulators/state";
import { emulatorHandlers, REAL_BASES } from "../emulators/world";

const { world, server } = useEmulators();

// Takes the violations recorded so far (so the planted ones do not fail the test itself).
const takeViolations = () => world().violations.splice(0);

describe("emulations against the published descriptions", () => {
  it("serves only operations the providers' descriptions document (deploy hooks excepted)", () => {
    const bases = Object.entries(REAL_BASES).sort((a, b) => b[1].length - a[1].length);
    const undocumented: string[] = [];
    for (const h of emulatorHandlers(world())) {
      const { method, path } = h.info as { method: string; path: string };
      const [key, base] = bases.find(([, b]) => path.startsWith(b))!;
      if (key === "renderHooks" && path.startsWith(`${base}/deploy/`)) continue;
      const provider = (key === "renderHooks" ? "render" : key) as Provider;
      if (!descriptionOf(provider).operation(method, path.slice(base.length)))
        undocumented.push(`${provider} ${method} ${path}`);
    }
    expect(undocumented).toEqual([]);
  });

  it("catches an answer with a member the Turso description does not have (list pagination)", async () => {
    server.use(
      route(world(), "turso", "get", REAL_BASES.turso, "/v1/organizations/:org/groups", () =>
        HttpResponse.json({ groups: [], pagination: { next: null } }),
      ),
    );
    const turso = createTursoClient({
      token: C.tursoToken,
      baseUrl: REAL_BASES.turso,
      ...fastRetries(),
    });
    await expect(turso.listGroups(C.tursoOrg)).rejects.toThrow(/HTTP 500/);
    expect(takeViolations()).toEqual([
      'Turso (turso-docs openapi.json), GET /v1/organizations/{organizationSlug}/groups: HTTP 200 body has "/pagination", which is not documented',
    ]);
  });

  it("catches an answer missing what Vercel's models require (an env read without type)", async () => {
    const vercel = createVercelClient({
      token: C.vercelToken,
      baseUrl: REAL_BASES.vercel,
      ...fastRetries(),
    });
    const { project } = await vercel.createProject({ name: "efs-web" });
    server.use(
      route(world(), "vercel", "get", REAL_BASES.vercel, "/v1/projects/:id/env/:envId", () =>
        HttpResponse.json({ id: "env_1", key: "DEPLOY_ENV", value: "production" }),
      ),
    );
    await expect(vercel.readEnv(project.id, "env_1")).rejects.toThrow(/HTTP 500/);
    const [problem, ...rest] = takeViolations();
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^Vercel \(@vercel\/sdk\), GET \/v1\/projects\/\{idOrName\}\/env\/\{id\}: HTTP 200 body at \/type: Required/,
    );
  });

  it("catches a request the description does not allow (env list paged with until/limit)", async () => {
    const res = await fetch(`${REAL_BASES.vercel}/v10/projects/prj_x/env?until=5&limit=100`, {
      headers: { authorization: `Bearer ${C.vercelToken}` },
    });
    expect(res.status).toBe(500);
    expect(takeViolations()).toEqual([
      'Vercel (@vercel/sdk), GET /v10/projects/{idOrName}/env: query parameter "until" is not documented',
      'Vercel (@vercel/sdk), GET /v10/projects/{idOrName}/env: query parameter "limit" is not documented',
    ]);
  });

  it("checks project settings (PATCH /v9/projects/{id}) against Vercel's update model", async () => {
    const vercel = createVercelClient({
      token: C.vercelToken,
      baseUrl: REAL_BASES.vercel,
      ...fastRetries(),
    });
    const { project } = await vercel.createProject({ name: "efs-web" });
    // What efs init sends: its settings pass, and the answer is the updated project.
    const updated = await vercel.updateProject(project.id, {
      nodeVersion: "24.x",
      sourceFilesOutsideRootDirectory: true,
      installCommand: null,
    });
    expect(updated).toMatchObject({ id: project.id, nodeVersion: "24.x" });
    expect(takeViolations()).toEqual([]);
    // A member the model does not have is caught before the emulation applies it.
    const res = await fetch(`${REAL_BASES.vercel}/v9/projects/${project.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${C.vercelToken}`, "content-type": "application/json" },
      body: JSON.stringify({ nodeRuntime: "24" }),
    });
    expect(res.status).toBe(500);
    expect(takeViolations()).toEqual([
      'Vercel (@vercel/sdk), PATCH /v9/projects/{idOrName}: request body has "/nodeRuntime", which is not documented',
    ]);
  });

  it("checks request bodies too (a Render env var without its value)", async () => {
    const res = await fetch(`${REAL_BASES.render}/services/srv-x/env-vars/KEY`, {
      method: "PUT",
      headers: { authorization: `Bearer ${C.renderKey}`, "content-type": "application/json" },
      body: JSON.stringify({ val: "x" }),
    });
    expect(res.status).toBe(500);
    const problems = takeViolations();
    expect(problems.join("\n")).toMatch(
      /PUT \/services\/\{serviceId\}\/env-vars\/\{envVarKey\}: request body/,
    );
  });
});
