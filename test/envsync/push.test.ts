// efs env push / env status against the emulated Vercel, Render, GitHub and the fake modal
// CLI: plan, apply per key, read-back, recorded fingerprints, remote-only keys kept, failed[]
// reported, out-of-band edits detected, --prune, --redeploy; never a value in the output.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openGitHubSecret } from "../emulators/github";
import type { JsonEnvelope } from "../helpers/cli";
import { testToken } from "../helpers/leak-record";
import { createStack, type Stack } from "../verify/stack";

let s: Stack;
beforeEach(async () => {
  s = await createStack();
});
afterEach(async () => {
  await s.cleanup();
});

type Item = { target: string; key: string; action: string; reason: string; outOfBand?: boolean };
const items = (stdout: string): Item[] =>
  (
    JSON.parse(stdout) as JsonEnvelope & { data: { targets: { items: Item[] }[] } }
  ).data.targets.flatMap((t) => t.items);

describe("efs env push", () => {
  it("plans a changed key, applies it per key, reads it back and keeps the remote-only key", async () => {
    const fresh = testToken("modal_");
    await s.vault().update((d) => d.set("MODAL_AUTH_TOKEN", fresh));
    const dry = await s.efs(["--json", "env", "push", "--target", "render", "--dry-run"]);
    expect(dry.code).toBe(2);
    const plan = items(dry.stdout);
    expect(plan.find((i) => i.key === "MODAL_AUTH_TOKEN")?.action).toBe("change");
    expect(plan.find((i) => i.key === "KEEP_ME")?.action).toBe("remote-only");
    expect(plan.find((i) => i.key === "TURSO_AUTH_TOKEN")?.action).toBe("unchanged");
    expect(s.renderService.env.get("MODAL_AUTH_TOKEN")).toBe(s.values.MODAL_AUTH_TOKEN);

    const res = await s.efs(["--json", "--yes", "env", "push", "--target", "render"]);
    expect(res.code).toBe(0);
    expect(s.renderService.env.get("MODAL_AUTH_TOKEN")).toBe(fresh);
    expect(s.renderService.env.get("KEEP_ME")).toBe("1");
    expect(s.world.render.replaceAllPuts).toBe(0);
    // One per-key PUT, nothing else written.
    const puts = s.world.calls.filter((c) => c.provider === "render" && c.method === "PUT");
    expect(puts.map((c) => c.path)).toEqual([
      `/render/v1/services/${s.renderService.id}/env-vars/MODAL_AUTH_TOKEN`,
    ]);
    const state = await s.vault().read();
    expect(state.inSync("MODAL_AUTH_TOKEN", "render")).toBe(true);
    // Not asked to redeploy (non-interactive, no --redeploy): no deploy.
    expect(s.renderService.deploys).toHaveLength(1);
    expect(res.stdout).not.toContain(fresh);

    const again = await s.efs(["--json", "env", "push", "--target", "render", "--dry-run"]);
    expect(again.code).toBe(0);
  }, 60_000);

  it("adds missing Vercel keys, reads them back and redeploys Render once with --redeploy", async () => {
    const p = s.world.vercel.projects[0]!;
    p.envs = p.envs.filter((e) => e.key !== "TURSO_AUTH_TOKEN");
    const before = s.renderService.deploys.length;
    s.renderService.env.delete("STORAGE_BACKEND");
    const res = await s.efs(["--json", "--yes", "env", "push", "--target", "render", "--redeploy"]);
    expect(res.code).toBe(0);
    expect(s.renderService.env.get("STORAGE_BACKEND")).toBe("r2");
    expect(s.renderService.deploys.length).toBe(before + 1);
    const v = await s.efs(["--json", "--yes", "env", "push", "--target", "vercel"]);
    expect(v.code).toBe(0);
    const e = p.envs.find((x) => x.key === "TURSO_AUTH_TOKEN");
    expect(e?.value).toBe(s.values.TURSO_AUTH_TOKEN);
    expect(e?.target).toEqual(["production"]);
    expect((await s.vault().read()).entry("TURSO_AUTH_TOKEN")?.pushes.vercel?.remoteUpdatedAt).toBe(
      new Date(e!.updatedAt).toISOString(),
    );
  }, 60_000);

  it("reports a Vercel 201 whose failed[] names a key as a failure and records nothing for it", async () => {
    await s.vault().update((d) => d.set("MODAL_AUTH_TOKEN", testToken("modal_")));
    // Not on Vercel yet, so the push creates it (POST) and Vercel answers 201 + failed[].
    const p = s.world.vercel.projects[0]!;
    p.envs = p.envs.filter((e) => e.key !== "MODAL_AUTH_TOKEN");
    s.world.vercel.failEnvKeys.add("MODAL_AUTH_TOKEN");
    const res = await s.efs(["--json", "--yes", "env", "push", "--target", "vercel"]);
    expect(res.code).toBe(1);
    const err = (JSON.parse(res.stdout) as JsonEnvelope).error!;
    expect(err.message).toContain("MODAL_AUTH_TOKEN");
    expect(err.message).toMatch(/1 of 1 not saved/);
    expect((await s.vault().read()).entry("MODAL_AUTH_TOKEN")?.pushes.vercel).toBeUndefined();
  }, 60_000);

  it("deletes a remote-only key only with --prune", async () => {
    const res = await s.efs(["--json", "--yes", "env", "push", "--target", "render", "--prune"]);
    expect(res.code).toBe(0);
    expect(s.renderService.env.has("KEEP_ME")).toBe(false);
    expect(s.renderService.env.get("TURSO_AUTH_TOKEN")).toBe(s.values.TURSO_AUTH_TOKEN);
  }, 60_000);

  it("pushes Modal secrets as a whole from a 0600 dotenv file, never through argv", async () => {
    const res = await s.efs(["--json", "--yes", "env", "push", "--target", "modal"]);
    expect(res.code).toBe(0);
    const modal = s.fakes.get<{
      secrets: Record<string, { values: Record<string, string>; fileMode: string }>;
    }>("modal");
    expect(modal.secrets["ethereal-auth"]?.values.MODAL_AUTH_TOKEN).toBe(s.values.MODAL_AUTH_TOKEN);
    expect(modal.secrets["r2-credentials"]?.fileMode).toBe("600");
    for (const c of s.fakes.calls("modal"))
      for (const v of Object.values(s.values)) expect(c.argv.join(" ")).not.toContain(v);
    // Recorded: the next plan says unchanged (by fingerprint; Modal cannot be read back).
    const again = await s.efs(["--json", "env", "push", "--target", "modal", "--dry-run"]);
    expect(again.code).toBe(0);
  }, 60_000);

  it("seals GitHub secrets with the repository key", async () => {
    const res = await s.efs(["--json", "--yes", "env", "push", "--target", "github"]);
    expect(res.code).toBe(0);
    expect(await openGitHubSecret(s.world, "acme/flame-studio", "VERCEL_TOKEN")).toBe(
      s.values.VERCEL_TOKEN,
    );
  }, 60_000);

  it("refuses an unknown target with a usage error naming the valid ones", async () => {
    const res = await s.efs(["env", "push", "--target", "heroku"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("vercel, render, github, modal");
  }, 30_000);
});

describe("efs env status", () => {
  it("detects an out-of-band edit on Render and on GitHub without writing anything", async () => {
    expect((await s.efs(["--json", "--yes", "env", "push", "--target", "github"])).code).toBe(0);
    s.renderService.env.delete("STORAGE_BACKEND");
    expect((await s.efs(["--json", "--yes", "env", "push", "--target", "render"])).code).toBe(0);
    // Someone edits Render in the dashboard and re-saves a GitHub secret later.
    s.renderService.env.set("INTERNAL_WEBHOOK_SECRET", "e".repeat(64));
    const gh = s.world.github.repos.get("acme/flame-studio")!.secrets.get("VERCEL_TOKEN")!;
    gh.updated_at = new Date(Date.now() + 60_000).toISOString();
    const vaultBefore = readFileSync(`${s.box.project}/.efs/vault.json`, "utf8");
    const writesBefore = s.world.calls.filter((c) => c.method !== "GET").length;

    const res = await s.efs(["--json", "env", "status"]);
    expect(res.code).toBe(0);
    const keys = (
      JSON.parse(res.stdout) as JsonEnvelope & {
        data: { keys: { target: string; key: string; drift: string }[] };
      }
    ).data.keys;
    const drift = (t: string, k: string) => keys.find((x) => x.target === t && x.key === k)?.drift;
    expect(drift("render", "INTERNAL_WEBHOOK_SECRET")).toBe("changed-out-of-band");
    expect(drift("github", "VERCEL_TOKEN")).toBe("changed-out-of-band");
    expect(drift("render", "TURSO_AUTH_TOKEN")).toBe("in-sync");
    // Read back from Vercel although its answer carries no `decrypted` (as published).
    expect(drift("vercel", "TURSO_AUTH_TOKEN")).toBe("in-sync");
    expect(drift("vercel", "DEPLOY_ENV")).toBe("in-sync");
    expect(drift("modal:ethereal-auth", "MODAL_AUTH_TOKEN")).toBe("unverifiable");
    expect(drift("render", "KEEP_ME")).toBe("remote-only");
    expect(readFileSync(`${s.box.project}/.efs/vault.json`, "utf8")).toBe(vaultBefore);
    expect(s.world.calls.filter((c) => c.method !== "GET").length).toBe(writesBefore);
    expect(res.stdout).not.toContain("e".repeat(64));
  }, 60_000);
});

describe("efs env push, interactive", () => {
  it("asks before pushing and asks once per changed service before redeploying", async () => {
    const { ScriptedPrompter } = await import("../../src/ui/scripted-prompter");
    const { runEfsInProcess } = await import("../helpers/cli");
    s.renderService.env.delete("STORAGE_BACKEND");
    const before = s.renderService.deploys.length;
    const prompter = new ScriptedPrompter({ "--yes": true, "--redeploy": true });
    const res = await runEfsInProcess(
      ["--cwd", s.box.project, "env", "push", "--target", "render"],
      {
        env: s.env,
        cwd: s.box.project,
        prompter,
        tty: true,
      },
    );
    expect(res.code).toBe(0);
    expect(prompter.asked.map((q) => q.flag)).toEqual(["--yes", "--redeploy"]);
    expect(s.renderService.deploys.length).toBe(before + 1);
    expect(res.stdout).toContain("STORAGE_BACKEND");
    expect(res.stdout).toMatch(/render\s+STORAGE_BACKEND\s+add\s+missing/);
  }, 60_000);

  it("changes nothing when the push is declined (exit 2)", async () => {
    const { ScriptedPrompter } = await import("../../src/ui/scripted-prompter");
    const { runEfsInProcess } = await import("../helpers/cli");
    s.renderService.env.delete("STORAGE_BACKEND");
    const prompter = new ScriptedPrompter({ "--yes": false });
    const res = await runEfsInProcess(
      ["--cwd", s.box.project, "env", "push", "--target", "render"],
      {
        env: s.env,
        cwd: s.box.project,
        prompter,
        tty: true,
      },
    );
    expect(res.code).toBe(2);
    expect(s.renderService.env.has("STORAGE_BACKEND")).toBe(false);
  }, 60_000);
});
