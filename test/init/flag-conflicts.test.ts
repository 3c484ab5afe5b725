// A flag (or its env twin) that contradicts what a finished section recorded stops efs init
// before it changes anything, instead of being skipped with the section; --force-step is the
// way to re-create the section with the new value.
import { afterEach, describe, expect, it } from "vitest";
import { CHECKLIST_NAMES as N } from "../../src/checklist/names";
import { Vault } from "../../src/vault/vault";
import { TEST_CREDENTIALS as C, resourceCounts } from "../emulators/state";
import { createHarness, type Harness, registerVaultSecrets } from "./harness";

let h: Harness;
afterEach(async () => {
  expect(h.server.unhandled).toEqual([]);
  await h.cleanup();
});

// Everything a refused run must leave alone: the vault's values and journal, the emulators'
// resources and call log, and what the fake CLIs recorded.
async function snapshot(h: Harness) {
  const state = await new Vault({ root: h.box.project, keys: { env: { ...h.env } } }).read();
  return {
    values: state.entries().map((e) => [e.name, e.value]),
    journal: JSON.stringify(state.journal),
    resources: resourceCounts(h.world),
    buckets: JSON.stringify(h.world.cloudflare.buckets),
    calls: h.world.calls.length,
    modal: JSON.stringify(h.fakes.get("modal")),
    vercelEnv: JSON.stringify(h.world.vercel.projects.map((p) => p.envs)),
    renderEnv: JSON.stringify(h.world.render.services.map((s) => [...s.env])),
  };
}

// A full init with the bucket in the eu jurisdiction and the project in a Vercel team, and
// what it left.
async function finishedInEu() {
  h = await createHarness();
  const first = await h.efs([
    "init",
    "--yes",
    "--bucket-jurisdiction",
    "eu",
    "--vercel-team",
    "team_flame01",
  ]);
  expect(first.code, first.stderr).toBe(0);
  await registerVaultSecrets(h);
  return snapshot(h);
}

describe("efs init refuses a flag a finished section would ignore", () => {
  it("stops on another --bucket-jurisdiction, naming both and the fix, and changes nothing", async () => {
    const before = await finishedInEu();
    const moved = await h.efs(["init", "--yes", "--bucket-jurisdiction", "fedramp"]);
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain("section r2 is finished");
    expect(moved.stderr).toContain(
      "R2 jurisdiction: --bucket-jurisdiction asks for fedramp, but the finished r2 section recorded eu",
    );
    expect(moved.stderr).toContain("Nothing was changed");
    expect(moved.stderr).toContain("drop --bucket-jurisdiction to keep eu");
    expect(moved.stderr).toContain(
      "efs init --only r2 --force-step r2 --bucket-jurisdiction fedramp --bucket <new name> (a bucket cannot change jurisdiction",
    );
    // The token keeps its name: a re-create scopes it to the new bucket.
    expect(moved.stderr).not.toContain("--r2-token");
    expect(moved.stderr).toContain("efs destroy --only r2 before the re-create");
    expect(await snapshot(h)).toEqual(before);
  });

  it("stops on another --bucket in --plan and --json (the usual error envelope), and on its env twin", async () => {
    const before = await finishedInEu();
    const planned = await h.efs(["--json", "init", "--plan", "--bucket", "efs-other"]);
    expect(planned.code).toBe(2);
    const env = JSON.parse(planned.stdout) as {
      ok: boolean;
      error: { code: string; exitCode: number; message: string; fix: string };
    };
    expect(env.ok).toBe(false);
    expect(env.error).toMatchObject({ code: "FLAG_CONFLICT", exitCode: 2 });
    expect(env.error.message).toContain(
      `R2 bucket: --bucket asks for efs-other, but the finished r2 section recorded ${N.bucket}`,
    );
    expect(env.error.fix).toContain(`drop --bucket to keep ${N.bucket}`);
    expect(env.error.fix).toContain(
      "re-create with the new value: efs init --only r2 --force-step r2 --bucket efs-other; efs then tracks",
    );
    expect(await snapshot(h)).toEqual(before);

    const fromEnv = await h.efs(["init", "--yes"], { EFS_BUCKET: "efs-other" });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(
      `R2 bucket: EFS_BUCKET asks for efs-other, but the finished r2 section recorded ${N.bucket}`,
    );
    expect(fromEnv.stderr).toContain(`unset EFS_BUCKET to keep ${N.bucket}`);
    expect(await snapshot(h)).toEqual(before);

    const team = await h.efs(["init", "--plan"], { VERCEL_TEAM_ID: "team_other" });
    expect(team.code).toBe(2);
    expect(team.stderr).toContain(
      "Vercel team: VERCEL_TEAM_ID asks for team_other, but the finished vercel section recorded team_flame01",
    );
    expect(team.stderr).toContain("efs init --only vercel --force-step vercel;");
    expect(await snapshot(h)).toEqual(before);
  });

  it("accepts the recorded values, and re-creates the section with new ones under --force-step", async () => {
    const before = await finishedInEu();
    const same = await h.efs([
      "init",
      "--plan",
      "--bucket-jurisdiction",
      "eu",
      "--bucket",
      N.bucket,
    ]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain("Nothing to do.");
    expect(await snapshot(h)).toMatchObject({ values: before.values, buckets: before.buckets });

    // The re-create the refusal suggests: a new bucket in fedramp, and the same key (the token
    // keeps its name and value) scoped to it alone.
    const redo = await h.efs([
      "init",
      "--yes",
      "--only",
      "r2",
      "--force-step",
      "r2",
      "--bucket-jurisdiction",
      "fedramp",
      "--bucket",
      "efs-fedramp",
    ]);
    expect(redo.code, redo.stderr).toBe(0);
    // Vercel and Render were not re-pushed (--only r2): the run says they hold the old bucket.
    expect(redo.stderr).toMatch(
      /still hold the previous values: .*vercel \([^)]*R2_BUCKET_NAME[^)]*R2_JURISDICTION[^)]*\).*efs env push --redeploy/,
    );
    expect(redo.stderr).toMatch(/render \([^)]*R2_BUCKET_NAME/);
    expect(h.world.cloudflare.buckets).toMatchObject([
      { name: N.bucket, jurisdiction: "eu" },
      { name: "efs-fedramp", jurisdiction: "fedramp" },
    ]);
    const vault = await h.vault();
    expect(vault.get("R2_JURISDICTION")).toBe("fedramp");
    expect(vault.get("R2_BUCKET_NAME")).toBe("efs-fedramp");
    const key = h.world.cloudflare.tokens.find((t) => t.id === vault.get("R2_ACCESS_KEY_ID"));
    expect(key?.name).toBe(N.r2Token);
    expect(vault.get("R2_ACCESS_KEY_ID")).toBe(
      before.values.find(([k]) => k === "R2_ACCESS_KEY_ID")?.[1],
    );
    expect(
      ((key?.policies ?? []) as { resources: object }[]).flatMap((p) => Object.keys(p.resources)),
    ).toEqual([`com.cloudflare.edge.r2.bucket.${C.cloudflareAccountId}_fedramp_efs-fedramp`]);
  });

  it("names every contradicted section, and lets a flag for an unfinished one through", async () => {
    h = await createHarness();
    const first = await h.efs(["init", "--yes", "--only", "r2,turso", "--db", "efs-jobs"]);
    expect(first.code, first.stderr).toBe(0);
    await registerVaultSecrets(h);
    const before = await snapshot(h);

    const both = await h.efs(["init", "--yes", "--db", "other-db"], {
      EFS_R2_TOKEN_NAME: "other-token",
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("sections r2 and turso are finished");
    expect(both.stderr).toContain(
      `R2 API token: EFS_R2_TOKEN_NAME asks for other-token, but the finished r2 section recorded ${N.r2Token}`,
    );
    expect(both.stderr).toContain(
      "Turso database: --db asks for other-db, but the finished turso section recorded efs-jobs",
    );
    expect(both.stderr).toContain(
      `unset EFS_R2_TOKEN_NAME and drop --db to keep ${N.r2Token} and efs-jobs`,
    );
    expect(both.stderr).toContain("efs init --only r2,turso --force-step r2,turso --db other-db");
    expect(await snapshot(h)).toEqual(before);

    // Forcing one section lets its flag through; the other still refuses.
    const one = await h.efs(["init", "--plan", "--force-step", "turso", "--db", "other-db"], {
      EFS_R2_TOKEN_NAME: "other-token",
    });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("section r2 is finished");
    expect(one.stderr).not.toContain("Turso database:");

    // The Vercel section has not run: its name is this run's to choose.
    const fresh = await h.efs(["--json", "init", "--plan", "--vercel-project", "my-studio"]);
    expect(fresh.code, fresh.stderr).toBe(2);
    const rows = JSON.parse(fresh.stdout).data.names as { key: string; value: string }[];
    expect(rows.find((r) => r.key === "vercelProject")?.value).toBe("my-studio");
  });
});
