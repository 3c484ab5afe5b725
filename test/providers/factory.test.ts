// One resolution order (flag → env → vault → default) and one client factory for every
// command: what efs init recorded is what verify, env and rotate address.
import { afterEach, describe, expect, it } from "vitest";
import { resolveInputs } from "../../src/checklist/inputs";
import { Journal } from "../../src/checklist/journal";
import { EfsError, Interrupt } from "../../src/errors";
import { endpointsFromEnv } from "../../src/providers/endpoints";
import { createProviderClients } from "../../src/providers/factory";
import { Redactor } from "../../src/redact";
import { VerifyContext } from "../../src/stack/context";
import { Vault } from "../../src/vault/vault";
import { useEmulators } from "../emulators/msw";
import { seedRenderService } from "../emulators/render";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import { REAL_BASES } from "../emulators/world";
import { type Sandbox, sandbox } from "../helpers/cli";
import { testSecret } from "../helpers/leak-record";

const { world } = useEmulators();
let box: Sandbox;
afterEach(() => box?.cleanup());

// A vault as a finished efs init leaves it, with non-default names throughout.
async function initVault(serviceId: string) {
  box = sandbox();
  const vault = new Vault({ root: box.project, keys: { env: { EFS_VAULT_KEY: testSecret(64) } } });
  await vault.update((d) => {
    d.set("R2_ACCOUNT_ID", C.cloudflareAccountId, { source: "r2" });
    d.set("R2_BUCKET_NAME", "flame-media", { source: "r2" });
    d.set("VERCEL_PROJECT_ID", "prj_flame0001", { source: "vercel" });
    d.set("VERCEL_ORG_ID", "team_flame01", { source: "vercel" });
    d.set("VERCEL_TOKEN", C.vercelToken, { source: "vercel" });
  });
  const journal = new Journal(vault);
  await journal.record("r2", "bucket", "flame-media", {}, { meta: { jurisdiction: "eu" } });
  await journal.record("turso", "database", "flame-jobs");
  await journal.record("render", "service", serviceId);
  return vault;
}

describe("resource names and credentials", () => {
  it("come from what efs init recorded when no flag or env names them", async () => {
    const state = await (await initVault("srv-flame0001")).read();
    expect(resolveInputs({}, {}, state)).toMatchObject({
      bucket: "flame-media",
      bucketJurisdiction: "eu",
      cloudflareAccountId: C.cloudflareAccountId,
      db: "flame-jobs",
      vercelProject: "prj_flame0001",
      vercelTeam: "team_flame01",
      vercelToken: C.vercelToken,
      renderService: "srv-flame0001",
    });
  });

  it("take a flag over its env twin, and the env twin over the vault", async () => {
    const state = await (await initVault("srv-flame0001")).read();
    const env = { EFS_VERCEL_PROJECT: "env-web", EFS_DB: "env-jobs", VERCEL_TEAM_ID: "team_env" };
    expect(resolveInputs({}, env, state)).toMatchObject({
      vercelProject: "env-web",
      db: "env-jobs",
      vercelTeam: "team_env",
    });
    expect(resolveInputs({ vercelProject: "flag-web", db: "flag-jobs" }, env, state)).toMatchObject(
      { vercelProject: "flag-web", db: "flag-jobs" },
    );
  });

  it("take the bucket's jurisdiction from R2_JURISDICTION, and the flag over it", async () => {
    const vault = await initVault("srv-flame0001");
    await vault.update((d) => d.set("R2_JURISDICTION", "fedramp", { source: "r2" }));
    const state = await vault.read();
    expect(resolveInputs({}, {}, state).bucketJurisdiction).toBe("fedramp");
    expect(resolveInputs({ bucketJurisdiction: "eu" }, {}, state).bucketJurisdiction).toBe("eu");
  });

  it("refuses an unknown R2 jurisdiction, naming the valid ones", () => {
    expect(() => resolveInputs({ bucketJurisdiction: "mars" }, {})).toThrow(
      /--bucket-jurisdiction mars: not an R2 jurisdiction/,
    );
  });

  it("let verify find the worker init created under another name, by the id init recorded", async () => {
    const { service } = seedRenderService(world(), "flame-worker", REAL_BASES.renderHooks);
    const vault = await initVault(service.id);
    const state = await vault.read();
    const ctx = new VerifyContext({
      cwd: box.project,
      env: { RENDER_API_KEY: C.renderKey },
      inputs: resolveInputs({}, { RENDER_API_KEY: C.renderKey }, state),
      endpoints: endpointsFromEnv({}),
      vault: state,
      redactor: new Redactor(),
    });
    expect((await ctx.renderService())?.name).toBe("flame-worker");
    expect(ctx.vercelProject()).toBe("prj_flame0001");
  });
});

describe("the client factory", () => {
  it("gives the run's cancel signal to every client it builds: no call after Ctrl-C", async () => {
    const env = {
      CLOUDFLARE_API_TOKEN: C.cloudflareToken,
      CLOUDFLARE_ACCOUNT_ID: C.cloudflareAccountId,
      TURSO_API_TOKEN: C.tursoToken,
      VERCEL_TOKEN: C.vercelToken,
      RENDER_API_KEY: C.renderKey,
      GITHUB_TOKEN: C.githubToken,
    };
    const inputs = resolveInputs({}, env);
    const ac = new AbortController();
    const clients = createProviderClients({
      inputs,
      endpoints: endpointsFromEnv({}),
      credential: async (name) => env[name],
      signal: ac.signal,
    });
    const [owner = "", repo = ""] = C.githubRepo.split("/");
    // One read per provider, through clients built before the signal (as a run builds them).
    const readAll = async () => [
      await (await clients.cloudflare()).listBuckets(),
      await (await clients.turso()).listOrgs(),
      await (await clients.vercel()).getProject(inputs.vercelProject),
      await (await clients.render()).listOwners(),
      await (await clients.github()).listSecrets({ owner, repo }),
    ];
    await readAll();
    const before = world().calls.length;
    expect(new Set(world().calls.map((c) => c.provider)).size).toBe(5);

    ac.abort(new Interrupt("SIGINT"));
    for (const read of [
      // Not verifyToken: the client keeps its answer, so a second ask makes no call at all.
      async () => (await clients.cloudflare()).listBuckets(),
      async () => (await clients.turso()).listOrgs(),
      async () => (await clients.vercel()).getProject(inputs.vercelProject),
      async () => (await clients.render()).listOwners(),
      async () => (await clients.github()).listSecrets({ owner, repo }),
    ]) {
      const err = await read().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EfsError);
      expect((err as EfsError).code).toBe("INTERRUPTED");
    }
    expect(world().calls.length).toBe(before);
  });
});
