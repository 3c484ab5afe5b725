// The checklist's names and regions: hand-made resources are adopted, recorded names are kept,
// the worker follows the Turso database's region, and the Vercel project runs Node.js 24.x.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CHECKLIST_NAMES as N } from "../../src/checklist/names";
import { Vault } from "../../src/vault/vault";
import { seedRenderService } from "../emulators/render";
import { TEST_CREDENTIALS as C, newId, resourceCounts, sha256Hex } from "../emulators/state";
import { registerSecret } from "../helpers/leak-record";
import { createHarness, type Harness, registerVaultSecrets } from "./harness";

let h: Harness;
afterEach(async () => {
  expect(h.server.unhandled).toEqual([]);
  await h.cleanup();
});

// What a user who followed the checklist by hand has: every resource under the checklist's
// name, the database in Ireland, the worker next to it, the Vercel project still on 20.x.
function seedHandMade(h: Harness) {
  const w = h.world;
  w.cloudflare.buckets.push({
    name: N.bucket,
    jurisdiction: "default",
    creation_date: new Date().toISOString(),
    location: "weur",
    storage_class: "Standard",
  });
  w.cloudflare.tokens.push({
    id: newId("", 16),
    name: N.r2Token,
    value: registerSecret(newId("handmade-", 20)),
    status: "active",
    scope: "user",
    canMintTokens: false,
    canR2: true,
  });
  w.turso.groups.set(C.tursoOrg, [
    {
      name: "default",
      uuid: newId("", 16),
      primary: "aws-eu-west-1",
      locations: ["aws-eu-west-1"],
    },
  ]);
  w.turso.dbs.set(C.tursoOrg, [
    {
      Name: N.db,
      DbId: crypto.randomUUID(),
      Hostname: `${N.db}-${C.tursoOrg}.aws-eu-west-1.turso.io`,
      group: "default",
      primaryRegion: "aws-eu-west-1",
    },
  ]);
  const project = {
    id: newId("prj_", 12),
    name: N.vercelProject,
    accountId: "user_flame01",
    framework: "nextjs",
    rootDirectory: "services/web",
    nodeVersion: "20.x",
    sourceFilesOutsideRootDirectory: true,
    alias: [`${N.vercelProject}.vercel.app`],
    envs: [],
  };
  w.vercel.projects.push(project);
  const { service, hookUrl } = seedRenderService(w, N.renderService, h.server.bases.renderHooks);
  service.serviceDetails = { runtime: "docker", region: "frankfurt" };
  return { project, service, hookUrl: registerSecret(hookUrl) };
}

describe("efs init names resources as the checklist does", () => {
  it("adopts the resources a user made by hand from the checklist instead of duplicating them", async () => {
    h = await createHarness();
    const { project, service, hookUrl } = seedHandMade(h);

    const plan = await h.efs(["init", "--plan"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/R2 bucket\s+ethereal-flame-studio\s+checklist default/);
    expect(plan.stdout).toContain(`= adopt    R2 bucket ${N.bucket}`);
    expect(plan.stdout).toContain(`roll API token ${N.r2Token}`);
    expect(plan.stdout).toContain(`= adopt    database ${N.db}`);
    expect(plan.stdout).toContain(`= adopt    project ${N.vercelProject} (${project.id})`);
    expect(plan.stdout).toContain("~ update   project settings: Node.js 20.x → 24.x");
    expect(plan.stdout).toContain(
      `= adopt    service ${N.renderService} (${service.id}, frankfurt)`,
    );
    expect(plan.stdout).toMatch(
      /Render region\s+frankfurt\s+next to the Turso database \(aws-eu-west-1\)/,
    );
    expect(h.world.calls.filter((c) => c.method !== "GET")).toEqual([]);

    const deploysBefore = h.world.vercel.deployments.length;
    const run = await h.efs(["init", "--yes"], { RENDER_DEPLOY_HOOK_URL: hookUrl });
    expect(run.code, run.stderr).toBe(0);
    const vault = await registerVaultSecrets(h);
    expect(resourceCounts(h.world)).toMatchObject({
      buckets: 1,
      cfTokens: 1,
      tursoGroups: 1,
      tursoDbs: 1,
      vercelProjects: 1,
      renderServices: 1,
    });
    // The hand-made token is rolled (its secret was never in the vault), not duplicated.
    const token = h.world.cloudflare.tokens.find((t) => t.name === N.r2Token)!;
    expect(vault.get("R2_ACCESS_KEY_ID")).toBe(token.id);
    expect(vault.get("R2_SECRET_ACCESS_KEY")).toBe(sha256Hex(token.value));
    expect(vault.get("R2_BUCKET_NAME")).toBe(N.bucket);
    expect(vault.get("TURSO_DATABASE_URL")).toBe(
      `libsql://${N.db}-${C.tursoOrg}.aws-eu-west-1.turso.io`,
    );
    expect(vault.get("VERCEL_PROJECT_ID")).toBe(project.id);
    // Node.js 24.x, and a redeploy so production is built on it.
    expect(project.nodeVersion).toBe("24.x");
    expect(h.world.vercel.deployments.length).toBeGreaterThan(deploysBefore);
    expect(service.env.get("STORAGE_BACKEND")).toBe("r2");
    // render.yaml describes the worker that exists.
    const yaml = readFileSync(join(h.box.project, "render.yaml"), "utf8");
    expect(yaml).toMatch(/^ {4}name: ethereal-flame-worker$/m);
    expect(yaml).toMatch(/^ {4}region: frankfurt$/m);

    // The vault now records the names: --plan says so and nothing is pending.
    const again = await h.efs(["init", "--plan", "--force-step", "r2"]);
    expect(again.stdout).toMatch(/R2 API token\s+ethereal-flame-studio-prod\s+from the vault/);
    expect(again.stdout).toMatch(/Turso database\s+ethereal-flame-studio\s+from the vault/);
    expect(again.stdout).toMatch(/Render worker\s+ethereal-flame-worker\s+from the vault/);
  });

  it("keeps the names a vault already records, and a flag still wins", async () => {
    h = await createHarness();
    const first = await h.efs([
      "init",
      "--only",
      "r2,turso",
      "--yes",
      "--bucket",
      "efs-media",
      "--db",
      "efs-jobs",
    ]);
    expect(first.code, first.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(h.world.cloudflare.tokens.map((t) => t.name)).toContain(N.r2Token);

    const plan = await h.efs(["init", "--plan", "--json"]);
    const names = Object.fromEntries(
      (JSON.parse(plan.stdout).data.names as { key: string; value: string; source: string }[]).map(
        (r) => [r.key, [r.value, r.source]],
      ),
    );
    expect(names).toMatchObject({
      bucket: ["efs-media", "vault"],
      r2Token: [N.r2Token, "vault"],
      db: ["efs-jobs", "vault"],
      vercelProject: [N.vercelProject, "checklist"],
      renderService: [N.renderService, "checklist"],
      renderRegion: ["virginia", "turso"],
    });

    // (A flag that contradicts a finished section is refused: test/init/flag-conflicts.test.ts.)
    const flagged = await h.efs(["init", "--plan", "--json", "--vercel-project", "my-studio"], {
      EFS_RENDER_SERVICE: "my-worker",
    });
    const rows = JSON.parse(flagged.stdout).data.names as { key: string; source: string }[];
    expect(rows.find((r) => r.key === "vercelProject")?.source).toBe("flag");
    expect(rows.find((r) => r.key === "renderService")?.source).toBe("env");
    expect(resourceCounts(h.world).tursoDbs).toBe(1);
  });
});

describe("the Render worker follows the Turso database's region", () => {
  it("says so before changing anything when no Render region is near the database", async () => {
    h = await createHarness();
    const far = await h.efs(["init", "--yes", "--region", "aws-ap-northeast-1"]);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain(
      "no Render region is near the Turso location aws-ap-northeast-1: pass --render-region",
    );
    expect(far.stderr).toContain("oregon, ohio, virginia, frankfurt, singapore");
    expect(h.world.calls.filter((c) => c.method !== "GET")).toEqual([]);
    // A region chosen by flag: the database in Tokyo, the worker and render.yaml in Singapore.
    const done = await h.efs([
      "init",
      "--yes",
      "--region",
      "aws-ap-northeast-1",
      "--render-region",
      "singapore",
    ]);
    expect(done.code, done.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(h.world.turso.groups.get(C.tursoOrg)?.[0]?.primary).toBe("aws-ap-northeast-1");
    expect(h.world.render.services[0]!.serviceDetails).toMatchObject({ region: "singapore" });
    expect(readFileSync(join(h.box.project, "render.yaml"), "utf8")).toMatch(
      /^ {4}region: singapore$/m,
    );
  });

  it("refuses a region Render does not have, naming the ones it has", async () => {
    h = await createHarness();
    const run = await h.efs(["init", "--plan", "--render-region", "tokyo"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--render-region tokyo: not a Render region");
    expect(run.stderr).toContain("oregon, ohio, virginia, frankfurt, singapore");
  });

  it("creates the worker in frankfurt for a database in aws-eu-west-1", async () => {
    h = await createHarness();
    const run = await h.efs(["init", "--yes", "--region", "aws-eu-west-1"]);
    expect(run.code, run.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(h.world.render.services[0]).toMatchObject({
      name: N.renderService,
      serviceDetails: { region: "frankfurt" },
    });
    expect(readFileSync(join(h.box.project, "render.yaml"), "utf8")).toMatch(
      /^ {4}region: frankfurt$/m,
    );
    expect(h.world.vercel.projects[0]).toMatchObject({
      name: N.vercelProject,
      nodeVersion: "24.x",
    });
  });
});

describe("a bucket outside R2's default jurisdiction", () => {
  it("records R2_JURISDICTION and delivers it to Vercel, Render and Modal, with no manual step", async () => {
    h = await createHarness();
    const run = await h.efs(["init", "--yes", "--bucket-jurisdiction", "eu"]);
    expect(run.code, run.stderr).toBe(0);
    const vault = await registerVaultSecrets(h);
    expect(h.world.cloudflare.buckets).toMatchObject([{ name: N.bucket, jurisdiction: "eu" }]);
    expect(vault.get("R2_JURISDICTION")).toBe("eu");
    // Every app that talks S3 to the bucket gets it (the endpoint is derived from it).
    const vercel = h.world.vercel.projects[0]!.envs.find((e) => e.key === "R2_JURISDICTION");
    expect(vercel).toMatchObject({ value: "eu", target: ["production"] });
    expect(h.world.render.services[0]!.env.get("R2_JURISDICTION")).toBe("eu");
    const modal = h.fakes.get<{ secrets: Record<string, { values: Record<string, string> }> }>(
      "modal",
    );
    expect(modal.secrets["r2-credentials"]!.values.R2_JURISDICTION).toBe("eu");
    // No hand-set endpoint is asked for any more.
    expect(`${run.stdout}${run.stderr}`).not.toContain("S3_ENDPOINT_URL");

    // env status reads it back from each target: in sync.
    const status = await h.efs(["--json", "env", "status"]);
    expect(status.code, status.stderr).toBe(0);
    const keys = (
      JSON.parse(status.stdout) as {
        data: { keys: { target: string; key: string; drift: string }[] };
      }
    ).data.keys.filter((k) => k.key === "R2_JURISDICTION");
    expect(Object.fromEntries(keys.map((k) => [k.target, k.drift]))).toMatchObject({
      vercel: "in-sync",
      render: "in-sync",
    });
  });

  it("gives a vault from before R2_JURISDICTION the bucket's recorded jurisdiction on the next init", async () => {
    h = await createHarness();
    const first = await h.efs(["init", "--yes", "--bucket-jurisdiction", "eu"]);
    expect(first.code, first.stderr).toBe(0);
    await registerVaultSecrets(h);
    // What an older efs left: the jurisdiction only in the init journal, nowhere else.
    await new Vault({ root: h.box.project, keys: { env: { ...h.env } } }).update((d) =>
      d.unset("R2_JURISDICTION"),
    );
    const project = h.world.vercel.projects[0]!;
    project.envs = project.envs.filter((e) => e.key !== "R2_JURISDICTION");
    h.world.render.services[0]!.env.delete("R2_JURISDICTION");

    const again = await h.efs(["init", "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    expect((await h.vault()).get("R2_JURISDICTION")).toBe("eu");
    expect(project.envs.find((e) => e.key === "R2_JURISDICTION")?.value).toBe("eu");
    expect(h.world.render.services[0]!.env.get("R2_JURISDICTION")).toBe("eu");
    expect(h.world.cloudflare.buckets).toHaveLength(1);
  });
});
