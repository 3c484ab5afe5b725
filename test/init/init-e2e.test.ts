import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openGitHubSecret } from "../emulators/github";
import { TEST_CREDENTIALS as C, resourceCounts, sha256Hex } from "../emulators/state";
import {
  createHarness,
  type Harness,
  MODAL_SECRET,
  PUBLIC_NAMES,
  registerVaultSecrets,
} from "./harness";

let h: Harness;
afterEach(async () => {
  expect(h.server.unhandled).toEqual([]);
  await h.cleanup();
});

const ONE_OF_EACH = {
  buckets: 1,
  cfTokens: 1,
  tursoGroups: 1,
  tursoDbs: 1,
  tursoTokens: 1,
  vercelProjects: 1,
  renderServices: 1,
};

describe("efs init, non-interactive, against the emulated providers", () => {
  it("provisions every section from an empty vault, and a re-run changes nothing", async () => {
    h = await createHarness();
    const run = await h.efs(["init", "--yes"]);
    expect(run.stderr).toContain(
      "Provisioned templates, r2, turso, modal, webhook, vercel, render, github",
    );
    expect(run.code).toBe(0);
    const counts = resourceCounts(h.world);
    expect(counts).toMatchObject(ONE_OF_EACH);

    const vault = await registerVaultSecrets(h);
    const cfToken = h.world.cloudflare.tokens.find((t) => t.name === "ethereal-flame-studio-prod")!;
    expect(vault.get("R2_ACCESS_KEY_ID")).toBe(cfToken.id);
    expect(vault.get("R2_SECRET_ACCESS_KEY")).toBe(sha256Hex(cfToken.value));
    // Recorded for the default jurisdiction too, so a later jurisdiction overwrites it everywhere.
    expect(vault.get("R2_JURISDICTION")).toBe("default");
    expect(vault.get("TURSO_DATABASE_URL")).toBe(
      `libsql://ethereal-flame-studio-${C.tursoOrg}.aws-us-east-1.turso.io`,
    );
    expect(vault.get("TURSO_AUTH_TOKEN")).toBe(h.world.turso.minted[0]!.jwt);
    expect(vault.get("MODAL_ENDPOINT_URL")).toBe("https://flame-ws--ethereal-submit.modal.run");
    expect(vault.get("NEXT_PUBLIC_APP_URL")).toBe("https://ethereal-flame-studio.vercel.app");
    expect(vault.get("INTERNAL_WEBHOOK_SECRET")).toMatch(/^[0-9a-f]{64}$/);
    expect(vault.get("VERCEL_PROJECT_ID")).toBe(h.world.vercel.projects[0]!.id);

    // Vercel got every vercel-targeted variable; Render per key only; CORS allows the app.
    const vEnv = new Map(h.world.vercel.projects[0]!.envs.map((e) => [e.key, e]));
    expect([...vEnv.keys()].sort()).toEqual([
      "DEPLOY_ENV",
      "INTERNAL_WEBHOOK_SECRET",
      "MODAL_AUTH_TOKEN",
      "MODAL_ENDPOINT_URL",
      "MODAL_STATUS_URL",
      "NEXT_PUBLIC_APP_URL",
      "R2_ACCESS_KEY_ID",
      "R2_ACCOUNT_ID",
      "R2_BUCKET_NAME",
      "R2_JURISDICTION",
      "R2_SECRET_ACCESS_KEY",
      "STUDIO_ACCESS_KEY",
      "TURSO_AUTH_TOKEN",
      "TURSO_DATABASE_URL",
    ]);
    expect(vEnv.get("TURSO_AUTH_TOKEN")).toMatchObject({
      type: "encrypted",
      value: vault.get("TURSO_AUTH_TOKEN"),
    });
    const worker = h.world.render.services[0]!;
    expect(worker.env.get("STORAGE_BACKEND")).toBe("r2");
    expect(worker.env.get("NEXT_PUBLIC_APP_URL")).toBe("https://ethereal-flame-studio.vercel.app");
    expect(h.world.render.replaceAllPuts).toBe(0);
    const cors = h.world.cloudflare.buckets[0]!.cors as { allowed: { origins: string[] } }[];
    expect(cors[0]!.allowed.origins).toContain("https://ethereal-flame-studio.vercel.app");

    // GitHub secrets open to the vault's values; the hook is a next step, not invented.
    expect(await openGitHubSecret(h.world, C.githubRepo, "VERCEL_PROJECT_ID")).toBe(
      vault.get("VERCEL_PROJECT_ID"),
    );
    expect(await openGitHubSecret(h.world, C.githubRepo, "VERCEL_TOKEN")).toBe(C.vercelToken);
    expect(run.stderr).toContain("efs env set RENDER_DEPLOY_HOOK_URL");

    // Modal secrets came from a 0600 dotenv file; no secret was in any CLI's argv.
    const modal = h.fakes.get<{
      secrets: Record<string, { fileMode: string; values: Record<string, string> }>;
    }>("modal");
    expect(modal.secrets["r2-credentials"]).toMatchObject({
      fileMode: "600",
      values: { R2_BUCKET_NAME: "ethereal-flame-studio" },
    });
    expect(modal.secrets["ethereal-auth"]!.values.MODAL_AUTH_TOKEN).toBe(
      vault.get("MODAL_AUTH_TOKEN"),
    );
    const argvText = JSON.stringify(h.fakes.calls());
    const secrets = [...vault].filter(([k]) => !PUBLIC_NAMES.has(k)).map(([, v]) => v);
    for (const v of [...secrets, C.vercelToken, MODAL_SECRET])
      if (v.length > 12 && !v.startsWith("https://") && !v.startsWith("libsql://"))
        expect(argvText).not.toContain(v);
    expect(h.fakes.calls("vercel").every((c) => c.tokenFromEnv)).toBe(true);

    // Files written into the repo.
    expect(readFileSync(join(h.box.project, ".github/workflows/deploy.yml"), "utf8")).toContain(
      "concurrency:",
    );
    expect(readFileSync(join(h.box.project, ".env.example"), "utf8")).toContain(
      "TURSO_AUTH_TOKEN=\n",
    );
    expect(JSON.parse(readFileSync(join(h.box.project, ".vercel/project.json"), "utf8"))).toEqual({
      projectId: vault.get("VERCEL_PROJECT_ID"),
      orgId: "user_flame01",
    });
    expect(statSync(join(h.box.project, ".efs/vault.json")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(h.box.project, ".efs/init.lock"))).toBe(false);

    // Re-run: nothing planned, no provider call, no CLI call.
    const calls = h.world.calls.length;
    const cliCalls = h.fakes.calls().length;
    const again = await h.efs(["init", "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing to do");
    expect(h.world.calls.length).toBe(calls);
    expect(h.fakes.calls().length).toBe(cliCalls);
    const plan = await h.efs(["init", "--plan"]);
    expect(plan.code).toBe(0);
    expect(resourceCounts(h.world)).toEqual(counts);
  });
});
