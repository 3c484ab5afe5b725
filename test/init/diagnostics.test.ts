import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openGitHubSecret } from "../emulators/github";
import { seedRenderService } from "../emulators/render";
import { TEST_CREDENTIALS as C, resourceCounts } from "../emulators/state";
import { registerSecret } from "../helpers/leak-record";
import { createHarness, type Harness, registerVaultSecrets } from "./harness";

let h: Harness;
afterEach(async () => {
  expect(h.server.unhandled).toEqual([]);
  await h.cleanup();
});

describe("efs init diagnoses what users get wrong", () => {
  it("sees through the turso CLI's exit-0 'not logged in' and names both ways to log in", async () => {
    h = await createHarness();
    h.fakes.set("turso", { loggedIn: false });
    const run = await h.efs(["init", "--only", "turso", "--yes"], { TURSO_API_TOKEN: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("TURSO_API_TOKEN is not set and the turso CLI is not logged in");
    expect(run.stderr).toContain("turso auth login");
    expect(h.fakes.calls("turso").length).toBeGreaterThan(0);
    expect((await h.vault()).has("TURSO_DATABASE_URL")).toBe(false);
  });

  it("falls back to a turso CLI login when there is no TURSO_API_TOKEN", async () => {
    h = await createHarness();
    h.fakes.set("turso", { loggedIn: true, org: "cli-org", dbs: {}, tokensMinted: 0 });
    const run = await h.efs(["init", "--only", "turso", "--yes"], { TURSO_API_TOKEN: undefined });
    expect(run.code, run.stderr).toBe(0);
    const vault = await registerVaultSecrets(h);
    expect(vault.get("TURSO_DATABASE_URL")).toBe(
      "libsql://ethereal-flame-studio-cli-org.aws-us-east-1.turso.io",
    );
    expect(vault.get("TURSO_AUTH_TOKEN")).toMatch(/^eyJ/);
    expect(h.fakes.calls("turso").map((c) => c.argv.join(" "))).toContain(
      "db create ethereal-flame-studio --group default",
    );
    expect(h.world.calls.filter((c) => c.provider === "turso")).toHaveLength(0);
  });

  it("says when a Turso token mint got no answer, and offers efs rotate turso-token on the re-run", async () => {
    h = await createHarness();
    // Turso mints the token, then the answer is lost (502 after processing).
    h.world.faults.script.push({
      provider: "turso",
      method: "POST",
      path: /\/auth\/tokens$/,
      status: 502,
      times: 1,
      afterProcessing: true,
    });
    const run = await h.efs(["--json", "init", "--only", "turso", "--yes"]);
    expect(run.code).toBe(1);
    const err = JSON.parse(run.stdout).error;
    expect(err.code).toBe("TURSO_TOKEN_LOST");
    expect(err.message).toMatch(/a full-access token may now exist that efs never received/);
    expect(err.fix).toContain("efs rotate turso-token");
    expect(h.world.turso.minted).toHaveLength(1);
    const again = await h.efs(["--json", "init", "--only", "turso", "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    const vault = await registerVaultSecrets(h);
    expect(h.world.turso.minted).toHaveLength(2);
    expect(vault.get("TURSO_AUTH_TOKEN")).toBe(h.world.turso.minted[1]!.jwt);
    expect(again.stderr).toMatch(/never got the answer: that full-access token may exist/);
    expect(JSON.parse(again.stdout).data.next.join("\n")).toContain("efs rotate turso-token");
    // A third run has nothing lost to report.
    const third = await h.efs(["init", "--only", "turso", "--yes"]);
    expect(third.stderr).not.toMatch(/never got the answer/);
  });

  it("treats Vercel's 201 with failed[] as a failure, and resumes cleanly once fixed", async () => {
    h = await createHarness();
    h.world.vercel.failEnvKeys.add("TURSO_AUTH_TOKEN");
    const run = await h.efs(["init", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /not saved \(TURSO_AUTH_TOKEN: The value of TURSO_AUTH_TOKEN is invalid/,
    );
    expect(run.stderr).toContain("efs init --from vercel");
    expect((await h.journal()).vercel?.status).toBe("started");
    h.world.vercel.failEnvKeys.clear();
    const again = await h.efs(["init", "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(resourceCounts(h.world)).toMatchObject({ vercelProjects: 1, buckets: 1, tursoDbs: 1 });
    expect(h.world.vercel.projects[0]!.envs.map((e) => e.key)).toContain("TURSO_AUTH_TOKEN");
  });

  it("explains a Cloudflare token that cannot mint tokens before changing anything", async () => {
    h = await createHarness();
    h.world.cloudflare.tokens[0]!.canMintTokens = false;
    const run = await h.efs(["init", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("API Tokens: Edit");
    expect(run.stderr).toContain("dash.cloudflare.com/profile/api-tokens");
    expect(resourceCounts(h.world).buckets).toBe(0);
    expect(h.world.calls.filter((c) => c.method !== "GET")).toEqual([]);
  });

  it("adopts an existing Render worker, keeps its other env vars, stores and pushes its deploy hook", async () => {
    h = await createHarness();
    const { service, hookUrl } = seedRenderService(
      h.world,
      "ethereal-flame-worker",
      h.server.bases.renderHooks,
    );
    registerSecret(hookUrl);
    const run = await h.efs(["init", "--yes"], { RENDER_DEPLOY_HOOK_URL: hookUrl });
    expect(run.code, run.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(h.world.render.services).toHaveLength(1);
    expect(service.env.get("KEEP_ME")).toBe("1");
    expect(service.env.get("STORAGE_BACKEND")).toBe("r2");
    expect(h.world.render.replaceAllPuts).toBe(0);
    expect(await openGitHubSecret(h.world, C.githubRepo, "RENDER_DEPLOY_HOOK_URL")).toBe(hookUrl);
    expect(run.stderr).not.toContain("efs env set RENDER_DEPLOY_HOOK_URL");
  });

  it("refuses a deploy hook that belongs to another service", async () => {
    h = await createHarness();
    seedRenderService(h.world, "ethereal-flame-worker", h.server.bases.renderHooks);
    const other = registerSecret(
      `${h.server.bases.renderHooks}/deploy/srv-0ther000000?key=abcdefabcdef`,
    );
    const run = await h.efs(["init", "--only", "render", "--yes"], {
      RENDER_DEPLOY_HOOK_URL: other,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/deploys srv-0ther000000, not the worker srv-/);
  });

  it("fails fast in CI naming the missing token and where to create it", async () => {
    h = await createHarness();
    const run = await h.efs(["init", "--only", "vercel", "--yes"], { VERCEL_TOKEN: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("VERCEL_TOKEN is not set");
    expect(run.stderr).toContain("vercel.com/account/tokens");
  });

  it("explains itself in --help: sections, credentials with scopes, resuming, exit codes", async () => {
    h = await createHarness();
    const help = await h.efs(["init", "--help"]);
    expect(help.code).toBe(0);
    for (const text of [
      "--plan",
      "--only <sections>",
      "--from <section>",
      "--force-step",
      "--unlock",
      "Workers R2 Storage: Edit",
      "API Tokens: Edit",
      "turso auth api-tokens mint efs",
      "Secrets: Read and write",
      "Deploy Hook",
      "docs/init.md",
    ]) {
      expect(help.stdout).toContain(text);
    }
  });

  it("prints the plan as versioned JSON with --json and exits 2 while changes are pending", async () => {
    h = await createHarness();
    const run = await h.efs(["--json", "init", "--plan"], { CLOUDFLARE_API_TOKEN: undefined });
    expect(run.code).toBe(2);
    const out = run.json();
    expect(out).toMatchObject({ version: 1, command: "init", exitCode: 2 });
    const plan = (out.data as { plan: { name: string; status: string }[] }).plan;
    expect(plan.map((p) => p.name)).toEqual([
      "templates",
      "r2",
      "turso",
      "modal",
      "webhook",
      "vercel",
      "render",
      "github",
    ]);
    expect(plan.find((p) => p.name === "r2")?.status).toBe("blocked");
    expect(h.world.calls.filter((c) => c.method !== "GET")).toEqual([]);
  });

  it("rejects an unknown section, listing the valid ones", async () => {
    h = await createHarness();
    const run = await h.efs(["init", "--only", "vercel,nope"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("templates, r2, turso, modal, webhook, vercel, render, github");
  });

  it("refuses to run beside a live init, steals a dead one's lock, and --unlock removes it", async () => {
    h = await createHarness();
    const lock = join(h.box.project, ".efs", "init.lock");
    await h.efs(["init", "--only", "webhook", "--yes"]);
    writeFileSync(
      lock,
      JSON.stringify({
        pid: process.pid,
        hostname: (await import("node:os")).hostname(),
        createdAt: Date.now(),
        token: "live",
        command: "efs init",
      }),
    );
    const busy = await h.efs(["init", "--only", "webhook", "--force-step", "webhook", "--yes"]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain("Another efs init is running");
    expect(busy.stderr).toContain("efs init --unlock");
    const unlock = await h.efs(["init", "--unlock"]);
    expect(unlock.stdout).toContain(`held by efs init, pid ${process.pid}`);
    writeFileSync(
      lock,
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        hostname: (await import("node:os")).hostname(),
        createdAt: Date.now(),
        token: "dead",
      }),
    );
    const stale = await h.efs(["init", "--only", "webhook", "--force-step", "webhook", "--yes"]);
    expect(stale.code, stale.stderr).toBe(0);
    await registerVaultSecrets(h);
  });
});
