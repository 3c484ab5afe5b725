// efs destroy from a world `efs init` provisioned (emulated providers, SeaweedFS as R2, a
// libsql file as Turso, fake modal CLI): the plan says what is lost, the typed project name is
// required, an adopted bucket is spared, and the world ends empty — ready for efs init again.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createS3Storage } from "@efs/core/storage/s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHECKLIST_NAMES as N } from "../../src/checklist/names";
import { countBucket, emptyBucket } from "../../src/handlers/destroy/bucket";
import type { SectionPlan } from "../../src/handlers/destroy/types";
import { ScriptedPrompter } from "../../src/ui/scripted-prompter";
import { TEST_CREDENTIALS as C, resourceCounts } from "../emulators/state";
import { runEfsInProcess } from "../helpers/cli";
import { registerVaultSecrets } from "../init/harness";
import {
  BUCKET,
  fill,
  PROJECT,
  provisioned,
  type SharedS3,
  startBucketS3,
  type World,
} from "./helpers";

let shared: SharedS3;
beforeAll(async () => {
  shared = await startBucketS3();
}, 120_000);
afterAll(async () => {
  await shared?.s3.stop();
});
let w: World | undefined;
afterEach(async () => {
  if (w) {
    expect(w.h.server.unhandled).toEqual([]);
    await w.cleanup();
  }
  w = undefined;
});

const deletes = (world: World) =>
  world.h.world.calls.filter((c) => c.method === "DELETE" && c.status < 300);

const EMPTY = {
  buckets: 0,
  cfTokens: 0,
  tursoDbs: 0,
  tursoTokens: 0,
  vercelProjects: 0,
  renderServices: 0,
};

describe("efs destroy", () => {
  it("plans with what is lost, then leaves a provisioned world empty; efs init builds it again", async () => {
    w = await provisioned(shared, { jobs: 7 });
    await fill(w.bucket, 1203);
    const plan = await w.destroy(["--plan"], {});
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/delete +secret VERCEL_TOKEN/);
    expect(plan.stdout).toMatch(new RegExp(`delete +service ${N.renderService} \\(srv-`));
    expect(plan.stdout).toMatch(new RegExp(`delete +project ${N.vercelProject} \\(prj_`));
    expect(plan.stdout).toMatch(/delete +app ethereal-flame-studio/);
    expect(plan.stdout).toMatch(new RegExp(`delete +database ${N.db} .* — loses 7 job row\\(s\\)`));
    expect(plan.stdout).toMatch(
      new RegExp(`delete +every object in ${BUCKET} — loses 1203 object\\(s\\), 12\\.0 kB`),
    );
    expect(plan.stdout).toMatch(new RegExp(`delete +API token ${N.r2Token}\\b`));
    expect(plan.stdout).toMatch(new RegExp(`delete +R2 bucket ${BUCKET}`));
    const order = [...plan.stdout.matchAll(/^(github|render|vercel|modal|turso|r2) /gm)].map(
      (m) => m[1],
    );
    expect(order).toEqual(["github", "render", "vercel", "modal", "turso", "r2"]);
    expect(deletes(w)).toEqual([]);
    expect(await w.objects()).toBe(1203);

    const run = await w.destroy(["--yes", "--confirm", PROJECT, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const data = run.json().data as { destroyed: string[]; plan: SectionPlan[] };
    expect(data.destroyed).toHaveLength(12);
    expect(resourceCounts(w.h.world)).toMatchObject(EMPTY);
    expect(w.h.world.github.repos.get(C.githubRepo)!.secrets.size).toBe(0);
    expect(await w.objects()).toBe(0);
    const modal = w.h.fakes.get<{ stopped: boolean; secrets: Record<string, unknown> }>("modal");
    expect(modal).toMatchObject({ stopped: true, secrets: {} });
    expect(existsSync(join(w.h.box.project, ".vercel/project.json"))).toBe(false);

    // The vault: values of deleted resources gone, generated secrets kept, history recorded.
    const vault = await w.h.vault();
    for (const gone of [
      "R2_ACCESS_KEY_ID",
      "R2_SECRET_ACCESS_KEY",
      "R2_BUCKET_NAME",
      "R2_JURISDICTION",
      "TURSO_DATABASE_URL",
      "TURSO_AUTH_TOKEN",
      "MODAL_ENDPOINT_URL",
      "VERCEL_PROJECT_ID",
      "NEXT_PUBLIC_APP_URL",
    ])
      expect(vault.has(gone), gone).toBe(false);
    for (const kept of ["INTERNAL_WEBHOOK_SECRET", "MODAL_AUTH_TOKEN", "STUDIO_ACCESS_KEY"])
      expect(vault.has(kept), kept).toBe(true);
    expect(Object.keys(await w.h.journal()).sort()).toEqual(["templates", "webhook"]);

    // Nothing left: a second destroy has nothing to do; efs init builds everything again.
    const again = await w.destroy(["--yes", "--confirm", PROJECT]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Nothing to destroy");
    const rebuild = await w.h.efs(["init", "--yes"]);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    await registerVaultSecrets(w.h);
    expect(resourceCounts(w.h.world)).toMatchObject({
      buckets: 1,
      cfTokens: 1,
      tursoDbs: 1,
      vercelProjects: 1,
      renderServices: 1,
    });
    expect(w.h.fakes.get<{ stopped: boolean }>("modal").stopped).toBe(false);
  }, 300_000);

  it("refuses without the typed project name and changes nothing", async () => {
    w = await provisioned(shared);
    const before = JSON.stringify(await w.h.journal());
    const bare = await w.destroy(["--yes"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("efs destroy does not take a bare --yes");
    expect(bare.stderr).toContain(`fix: pass --yes --confirm ${PROJECT}`);
    const wrong = await w.destroy(["--yes", "--confirm", "other-project"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      `--confirm "other-project" is not this project's name ("${PROJECT}")`,
    );
    const ci = await w.destroy([]);
    expect(ci.code).toBe(2);
    expect(ci.stderr).toMatch(/needs --yes and the typed project name/);
    const noYes = await w.destroy(["--confirm", PROJECT]);
    expect(noYes.code).toBe(2);
    expect(deletes(w)).toEqual([]);
    expect(w.h.world.calls.filter((c) => c.method === "DELETE")).toEqual([]);
    expect(JSON.stringify(await w.h.journal())).toBe(before);
    expect(resourceCounts(w.h.world)).toMatchObject({ buckets: 1, vercelProjects: 1 });

    // efs init and efs destroy share one lock; the refusal names the command holding it.
    const lock = join(w.h.box.project, ".efs", "init.lock");
    const holder = (command: string) =>
      writeFileSync(
        lock,
        JSON.stringify({
          pid: process.pid,
          hostname: hostname(),
          createdAt: Date.now(),
          token: "t",
          command,
        }),
      );
    holder("efs init");
    const busy = await w.destroy(["--yes", "--confirm", PROJECT]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain("Another efs init is running in this project");
    holder("efs destroy");
    const init = await w.h.efs(["init", "--yes", "--only", "webhook", "--force-step", "webhook"]);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain("Another efs destroy is running in this project");
    expect(init.stderr).toContain("efs init --unlock");
    rmSync(lock);
    expect(deletes(w)).toEqual([]);
  }, 300_000);

  it("asks for the project name at a prompt, and only the exact name goes on", async () => {
    w = await provisioned(shared);
    const prompter = new ScriptedPrompter({ "--confirm": PROJECT });
    const run = await runEfsInProcess(["--cwd", w.h.box.project, "destroy", "--only", "modal"], {
      env: { ...w.h.env, ...w.env },
      cwd: w.h.box.project,
      prompter,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked).toEqual([expect.objectContaining({ kind: "text", flag: "--confirm" })]);
    expect(prompter.asked[0]!.message).toContain(`Type the project name (${PROJECT})`);
    expect(w.h.fakes.get<{ stopped: boolean }>("modal").stopped).toBe(true);
    // Only modal went: everything else is still there.
    expect(resourceCounts(w.h.world)).toMatchObject({
      buckets: 1,
      vercelProjects: 1,
      renderServices: 1,
    });
    expect(run.stderr).toContain("efs env push");
  }, 300_000);

  it("spares a bucket efs init adopted (with its objects) but deletes efs's token; --include-adopted takes it", async () => {
    w = await provisioned(shared, {
      before: (h) => {
        h.world.cloudflare.buckets.push({
          name: BUCKET,
          jurisdiction: "default",
          creation_date: new Date().toISOString(),
          location: "weur",
          storage_class: "Standard",
        });
      },
    });
    await fill(w.bucket, 12);
    const plan = await w.destroy(["--plan", "--only", "r2"]);
    expect(plan.stdout).toMatch(new RegExp(`keep +R2 bucket ${BUCKET} .*adopted`));
    expect(plan.stdout).not.toContain(`every object in ${BUCKET}`);
    const run = await w.destroy(["--yes", "--confirm", PROJECT, "--only", "r2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(w.h.world.cloudflare.buckets.map((b) => b.name)).toEqual([BUCKET]);
    expect(await w.objects()).toBe(12);
    expect(resourceCounts(w.h.world).cfTokens).toBe(0);
    expect(run.stderr).toContain(`kept R2 bucket ${BUCKET}`);
    const vault = await w.h.vault();
    expect(vault.get("R2_BUCKET_NAME")).toBe(BUCKET);
    expect(vault.has("R2_ACCESS_KEY_ID")).toBe(false);

    // Re-provision r2 (adopts the bucket again), then destroy it with --include-adopted.
    const init = await w.h.efs(["init", "--yes", "--only", "r2"]);
    expect(init.code, init.stderr).toBe(0);
    await registerVaultSecrets(w.h);
    const { Vault } = await import("../../src/vault/vault");
    await new Vault({ root: w.h.box.project, keys: { env: { ...w.h.env } } }).update((d) => {
      d.set("R2_ACCESS_KEY_ID", shared.r2.accessKey);
      d.set("R2_SECRET_ACCESS_KEY", shared.r2.secretKey);
    });
    const all = await w.destroy([
      "--yes",
      "--confirm",
      PROJECT,
      "--only",
      "r2",
      "--include-adopted",
    ]);
    expect(all.code, all.stderr).toBe(0);
    expect(w.h.world.cloudflare.buckets).toEqual([]);
    expect(await w.objects()).toBe(0);
  }, 300_000);

  it("empties a bucket one listing page at a time, and a second pass finds nothing", async () => {
    const s3 = createS3Storage({
      endpoint: shared.s3.endpoint,
      bucket: BUCKET,
      accessKeyId: shared.r2.accessKey,
      secretAccessKey: shared.r2.secretKey,
    });
    try {
      await emptyBucket(s3.client, BUCKET);
      await fill(s3, 25);
      const batches: number[] = [];
      const r = await emptyBucket(s3.client, BUCKET, {
        pageSize: 10,
        onProgress: (p) => batches.push(p.batch),
      });
      expect(batches).toEqual([10, 10, 5]);
      expect(r).toEqual({ deleted: 25, bytes: 250 });
      expect(await countBucket(s3.client, BUCKET)).toEqual({ objects: 0, bytes: 0 });
      expect(await emptyBucket(s3.client, BUCKET)).toEqual({ deleted: 0, bytes: 0 });
    } finally {
      s3.close();
    }
  });

  it("rejects an unknown section before touching anything", async () => {
    w = await provisioned(shared);
    const run = await w.destroy(["--only", "templates", "--yes", "--confirm", PROJECT]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("use one or more of: github, render, vercel, modal, turso, r2");
    expect(w.h.world.calls.filter((c) => c.method === "DELETE")).toEqual([]);
  }, 300_000);
});
