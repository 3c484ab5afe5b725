import sodium from "libsodium-wrappers";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/providers/github";
import { createRenderClient } from "../../src/providers/render";
import { createTursoClient, tursoUrl } from "../../src/providers/turso";
import { createVercelClient, productionUrl } from "../../src/providers/vercel";
import { openGitHubSecret } from "../emulators/github";
import { fastRetries, useEmulators } from "../emulators/msw";
import { seedRenderService } from "../emulators/render";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import { REAL_BASES } from "../emulators/world";

const { world, server } = useEmulators();

describe("turso client", () => {
  const turso = () =>
    createTursoClient({ token: C.tursoToken, baseUrl: REAL_BASES.turso, ...fastRetries() });

  it("creates the group when missing, then the database, and takes the URL from Hostname", async () => {
    const t = turso();
    expect((await t.listOrgs())[0]).toMatchObject({ slug: C.tursoOrg, type: "personal" });
    expect(await t.ensureGroup(C.tursoOrg, "default", "aws-us-east-1")).toEqual({ created: true });
    expect(await t.ensureGroup(C.tursoOrg, "default", "aws-us-east-1")).toEqual({ created: false });
    const { db, existed } = await t.createDatabase(C.tursoOrg, "efs-jobs", "default");
    expect(existed).toBe(false);
    expect(tursoUrl(db)).toBe(`libsql://efs-jobs-${C.tursoOrg}.aws-us-east-1.turso.io`);
    const again = await t.createDatabase(C.tursoOrg, "efs-jobs", "default");
    expect(again.existed).toBe(true);
    expect(world().turso.dbs.get(C.tursoOrg)).toHaveLength(1);
    expect(await t.mintToken(C.tursoOrg, "efs-jobs")).toMatch(/^eyJ/);
  });

  it("reports a missing group with Turso's own message", async () => {
    await expect(turso().createDatabase(C.tursoOrg, "x", "nogroup")).rejects.toThrow(
      /group not found/,
    );
  });

  it("says how to get a token when the token is invalid", async () => {
    const t = createTursoClient({
      token: "bad-token-123456",
      baseUrl: REAL_BASES.turso,
      ...fastRetries(),
    });
    await expect(t.validate()).rejects.toThrow(/TURSO_API_TOKEN.*api-tokens mint/);
  });
});

describe("vercel client", () => {
  const vercel = (teamId?: string) =>
    createVercelClient({
      token: C.vercelToken,
      teamId,
      baseUrl: REAL_BASES.vercel,
      ...fastRetries(),
    });

  it("creates a project once and adopts it on 409", async () => {
    const v = vercel();
    expect(await v.getProject("efs-web")).toBeUndefined();
    const a = await v.createProject({ name: "efs-web", framework: "nextjs" });
    const b = await v.createProject({ name: "efs-web" });
    expect(b).toEqual({ project: a.project, existed: true });
    expect(productionUrl(a.project)).toBeUndefined();
  });

  it("scopes every call to the team with teamId", async () => {
    await vercel("team_flame01").createProject({ name: "team-web" });
    expect(world().vercel.projects[0]!.accountId).toBe("team_flame01");
    expect(await vercel().getProject("team-web")).toBeUndefined();
  });

  it("treats a 201 with failed[] entries as a failure naming the key", async () => {
    const v = vercel();
    const { project } = await v.createProject({ name: "efs-web" });
    world().vercel.failEnvKeys.add("BROKEN");
    const err = await v
      .upsertEnv(project.id, [
        { key: "OK_VAR", value: "1", type: "plain", target: ["production"] },
        { key: "BROKEN", value: "secret-value-xyz", type: "encrypted", target: ["production"] },
      ])
      .catch((e) => e);
    expect(err.message).toMatch(/1 of 2 not saved \(BROKEN: The value of BROKEN is invalid/);
    expect(err.message).not.toContain("secret-value-xyz");
  });

  it("updates a key in place instead of duplicating it, listing env in one documented call", async () => {
    const v = vercel();
    const { project } = await v.createProject({ name: "efs-web" });
    const vars = ["A", "B", "C"].map((key) => ({
      key,
      value: `v-${key}`,
      type: "plain" as const,
      target: ["production"],
    }));
    await v.upsertEnv(project.id, vars);
    await v.upsertEnv(project.id, [
      { key: "A", value: "new", type: "plain", target: ["production"] },
    ]);
    const envs = await v.listEnv(project.id);
    expect(envs.map((e) => e.key).sort()).toEqual(["A", "B", "C"]);
    const a = envs.find((e) => e.key === "A")!;
    expect(await v.readEnv(project.id, a.id)).toBe("new");
  });

  describe("setting a key that already exists", () => {
    const seed = async (envs: { key: string; value: string; type: string; target: string[] }[]) => {
      const v = vercel();
      const { project } = await v.createProject({ name: "efs-web" });
      const p = world().vercel.projects[0]!;
      for (const [i, e] of envs.entries())
        p.envs.push({ id: `env_seed${i}`, createdAt: i + 1, updatedAt: i + 1, ...e });
      return { v, id: project.id, envs: () => p.envs.filter((e) => e.key === "K") };
    };
    const set = { key: "K", value: "new-value-1234", target: ["production"] };

    it("splits a variable shared with Preview: Preview keeps its value, Production gets ours", async () => {
      const { v, id, envs } = await seed([
        { key: "K", value: "old", type: "encrypted", target: ["production", "preview"] },
      ]);
      await v.upsertEnv(id, [{ ...set, type: "encrypted" }]);
      expect(
        envs()
          .map((e) => [e.target.join("+"), e.value, e.type])
          .sort(),
      ).toEqual([
        ["preview", "old", "encrypted"],
        ["production", "new-value-1234", "encrypted"],
      ]);
    });

    it("turns a plain variable into an encrypted one instead of leaving a secret in plain text", async () => {
      const { v, id, envs } = await seed([
        { key: "K", value: "old", type: "plain", target: ["production"] },
      ]);
      await v.upsertEnv(id, [{ ...set, type: "encrypted" }]);
      expect(envs()).toMatchObject([{ value: "new-value-1234", type: "encrypted" }]);
    });

    it("keeps a sensitive variable sensitive (never a weaker type)", async () => {
      const { v, id, envs } = await seed([
        { key: "K", value: "old", type: "sensitive", target: ["production"] },
      ]);
      await v.upsertEnv(id, [{ ...set, type: "encrypted" }]);
      expect(envs()).toMatchObject([{ value: "new-value-1234", type: "sensitive" }]);
      expect(await v.readEnv(id, envs()[0]!.id)).toBeUndefined();
    });

    it("adds Production beside a variable set only for Preview", async () => {
      const { v, id, envs } = await seed([
        { key: "K", value: "old", type: "plain", target: ["preview"] },
      ]);
      await v.upsertEnv(id, [{ ...set, type: "plain" }]);
      expect(
        envs()
          .map((e) => [e.target.join("+"), e.value])
          .sort(),
      ).toEqual([
        ["preview", "old"],
        ["production", "new-value-1234"],
      ]);
    });

    it("what upsert alone gets for an overlapping target set: Vercel's ENV_CONFLICT", async () => {
      const { id } = await seed([
        { key: "K", value: "old", type: "plain", target: ["production", "preview"] },
      ]);
      const res = await fetch(`${REAL_BASES.vercel}/v10/projects/${id}/env?upsert=true`, {
        method: "POST",
        headers: { authorization: `Bearer ${C.vercelToken}`, "content-type": "application/json" },
        body: JSON.stringify({ ...set, type: "plain" }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("ENV_CONFLICT");
    });
  });

  it("follows pagination.next only while it advances, and keeps each variable once", async () => {
    // A server that pages although GET /v10/projects/{id}/env documents no paging query:
    // plain msw here, outside the checked emulation (which answers in one page).
    const seen: (string | null)[] = [];
    const env = (id: string) => ({
      id,
      key: id,
      value: "x",
      type: "plain",
      target: ["production"],
    });
    server.use(
      http.get(`${REAL_BASES.vercel}/v10/projects/:id/env`, ({ request }) => {
        const until = new URL(request.url).searchParams.get("until");
        seen.push(until);
        if (until === null)
          return HttpResponse.json({ envs: [env("e1"), env("e2")], pagination: { next: 20 } });
        if (until === "20")
          return HttpResponse.json({ envs: [env("e2"), env("e3")], pagination: { next: 10 } });
        // A cursor that does not advance (Vercel has been seen to repeat it) ends the walk.
        return HttpResponse.json({ envs: [env("e4")], pagination: { next: 10 } });
      }),
    );
    const envs = await vercel().listEnv("prj_paged");
    expect(envs.map((e) => e.id)).toEqual(["e1", "e2", "e3", "e4"]);
    expect(seen).toEqual([null, "20", "10"]);
    expect(new URL(`http://x/?${""}`).searchParams.has("limit")).toBe(false);
  });

  it("lists production deployments on the documented /v7/deployments", async () => {
    const v = vercel();
    const { project } = await v.createProject({ name: "efs-web" });
    // What `vercel deploy --prod` does underneath (the fake CLI's call).
    const res = await fetch(`${REAL_BASES.vercel}/v13/deployments`, {
      method: "POST",
      headers: { authorization: `Bearer ${C.vercelToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "efs-web", project: project.id, target: "production" }),
    });
    expect(res.status).toBe(200);
    const list = await v.listProductionDeployments(project.id);
    expect(list).toMatchObject([{ readyState: "READY", target: "production" }]);
  });

  it("refuses a value with a trailing newline before sending it", async () => {
    await expect(
      vercel().upsertEnv("prj_x", [
        { key: "K", value: "x\n", type: "plain", target: ["production"] },
      ]),
    ).rejects.toThrow(/whitespace/);
    expect(world().calls).toHaveLength(0);
  });
});

describe("render client", () => {
  const render = () =>
    createRenderClient({ apiKey: C.renderKey, baseUrl: REAL_BASES.render, ...fastRetries() });

  it("sets env per key and never replaces the whole set", async () => {
    const { service } = seedRenderService(world(), "efs-worker", REAL_BASES.renderHooks);
    const r = render();
    expect((await r.findService("efs-worker", C.renderOwnerId))?.id).toBe(service.id);
    await r.setEnvVar(service.id, "STORAGE_BACKEND", "r2");
    expect(Object.fromEntries(service.env)).toEqual({ KEEP_ME: "1", STORAGE_BACKEND: "r2" });
    expect(world().render.replaceAllPuts).toBe(0);
    expect((await r.listEnvVars(service.id)).map((e) => e.key).sort()).toEqual([
      "KEEP_ME",
      "STORAGE_BACKEND",
    ]);
  });

  it("finds the queued deploy when create-deploy answers 202 with no body, and does not create a second", async () => {
    const { service } = seedRenderService(world(), "efs-worker", REAL_BASES.renderHooks);
    world().render.deployAnswers202 = true;
    const r = render();
    const before = await r.newestDeployId(service.id);
    const dep = await r.createDeploy(service.id, before);
    expect(dep?.id).toMatch(/^dep-/);
    expect((await r.createDeploy(service.id, before))?.id).toBe(dep?.id);
    expect(service.deploys).toHaveLength(1);
  });

  it("tells deploys apart by Render's order, not by comparing its clock with ours", async () => {
    const { service } = seedRenderService(world(), "efs-worker", REAL_BASES.renderHooks);
    // An active deploy stamped an hour in the future (a server clock ahead of ours), older
    // than the marker: it is not ours, so a new deploy is triggered.
    service.deploys.push({
      id: "dep-older000001",
      status: "build_in_progress",
      trigger: "api",
      createdAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const r = render();
    const before = await r.newestDeployId(service.id);
    const dep = await r.createDeploy(service.id, before);
    expect(dep?.id).not.toBe("dep-older000001");
    expect(service.deploys.map((d) => d.id)).toEqual([dep?.id, "dep-older000001"]);
  });

  it("creates the worker with its env in the create, so the first deploy has it", async () => {
    const r = render();
    const made = await r.createWorker({
      name: "efs-worker",
      ownerId: C.renderOwnerId,
      repo: "https://github.com/acme/flame-studio",
      branch: "main",
      region: "oregon",
      plan: "starter",
      dockerfilePath: "./services/worker/Dockerfile",
      dockerContext: ".",
      envVars: [{ key: "STORAGE_BACKEND", value: "r2" }],
    });
    const s = world().render.services[0]!;
    expect(made.deployId).toBe(s.deploys[0]!.id);
    expect(Object.fromEntries(s.deployEnv!.get(made.deployId!)!)).toEqual({
      STORAGE_BACKEND: "r2",
    });
  });

  it("pages owners with cursors", async () => {
    for (let i = 0; i < 120; i++)
      world().render.owners.push({ id: `own-${i}`, name: `o${i}`, email: "x@y", type: "team" });
    expect(await render().listOwners()).toHaveLength(121);
  });
});

describe("github client", () => {
  it("stores a sealed-box secret that opens to the exact value", async () => {
    const gh = createGitHubClient({
      token: C.githubToken,
      baseUrl: REAL_BASES.github,
      ...fastRetries(),
    });
    const repo = { owner: "acme", repo: "flame-studio" };
    expect(await gh.putSecret(repo, "VERCEL_TOKEN", "tok-value-123")).toBe("created");
    expect(await gh.putSecret(repo, "VERCEL_TOKEN", "tok-value-456")).toBe("updated");
    await sodium.ready;
    expect(await openGitHubSecret(world(), "acme/flame-studio", "VERCEL_TOKEN")).toBe(
      "tok-value-456",
    );
    expect((await gh.listSecrets(repo)).map((s) => s.name)).toEqual(["VERCEL_TOKEN"]);
  });

  it("diagnoses a token without the Secrets permission", async () => {
    world().github.tokens.set("weak-token-abcdef", { canSecrets: false });
    const gh = createGitHubClient({
      token: "weak-token-abcdef",
      baseUrl: REAL_BASES.github,
      ...fastRetries(),
    });
    await expect(gh.putSecret({ owner: "acme", repo: "flame-studio" }, "X", "y")).rejects.toThrow(
      /Secrets: Read and write/,
    );
  });
});
