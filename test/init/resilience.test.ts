import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resourceCounts } from "../emulators/state";
import { countCalls } from "../emulators/world";
import { createHarness, type Harness, registerVaultSecrets } from "./harness";

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    expect(h.server.unhandled).toEqual([]);
    await h.cleanup();
  }
});
const start = async () => {
  const h = await createHarness();
  harnesses.push(h);
  return h;
};

const ONE_OF_EACH = {
  buckets: 1,
  cfTokens: 1,
  tursoGroups: 1,
  tursoDbs: 1,
  vercelProjects: 1,
  renderServices: 1,
};

// The named journal writes of a clean full run, in order, without repeats.
async function journalPoints(): Promise<string[]> {
  const h = await start();
  const log = join(h.box.project, "..", "points.log");
  const run = await h.efs(["init", "--yes"], { EFS_TEST_JOURNAL_LOG: log });
  expect(run.code).toBe(0);
  await registerVaultSecrets(h);
  // "<step>:mark:started" is equivalent to the previous step's "mark:done": not repeated.
  const all = readFileSync(log, "utf8").trim().split("\n");
  return [...new Set(all)].filter((p) => !p.endsWith(":mark:started"));
}

describe("efs init survives crashes and flaky providers", () => {
  it("converges to exactly one of each resource after kill -9 at every journal write", async () => {
    const points = await journalPoints();
    expect(points.length).toBeGreaterThan(25);
    expect(points).toContain("r2:token:intent");
    expect(points).toContain("turso:database:record");
    const h = await start();
    const passed: string[] = [];
    for (const point of points) {
      const run = await h.efs(["init", "--yes"], { EFS_TEST_CRASH_AT: point });
      if (run.signal !== "SIGKILL") {
        expect(run.code, `${point}: ${run.stderr}`).toBe(0);
        passed.push(point);
      }
    }
    // A point is passed without a crash only when a resumed run no longer needs that write.
    expect(passed.length, `not crashed at: ${passed.join(", ")}`).toBeLessThanOrEqual(
      points.length / 5,
    );
    const final = await h.efs(["init", "--yes"]);
    expect(final.code, final.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(resourceCounts(h.world)).toMatchObject(ONE_OF_EACH);
    // A token whose value was lost in a crash is rolled, never minted twice.
    expect(countCalls(h.world, "cloudflare", "POST", /\/user\/tokens$/)).toBe(1);
    // The production build came after the last env change (NEXT_PUBLIC_* is build-time).
    const project = h.world.vercel.projects[0]!;
    const lastEnvChange = Math.max(...project.envs.map((e) => e.updatedAt));
    const lastDeploy = Math.max(...h.world.vercel.deployments.map((d) => d.created));
    expect(lastDeploy).toBeGreaterThan(lastEnvChange);
    const again = await h.efs(["init", "--plan"]);
    expect(again.code).toBe(0);
    const journal = await h.journal();
    expect(Object.values(journal).every((s) => s.status === "done")).toBe(true);
  }, 600_000);

  it("completes under 20% injected 429/503 answers without duplicating a non-idempotent create", async () => {
    const h = await start();
    h.world.faults.rate = 0.2;
    h.world.faults.statuses = [429, 503];
    h.world.faults.retryAfter = "0";
    const run = await h.efs(["init", "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    await registerVaultSecrets(h);
    const faults = h.world.calls.filter((c) => c.outcome === "fault").length;
    expect(faults).toBeGreaterThan(5);
    expect(resourceCounts(h.world)).toMatchObject({ ...ONE_OF_EACH, cfTokens: 1, tursoTokens: 1 });
    for (const [provider, path] of [
      ["cloudflare", /r2\/buckets$/],
      ["cloudflare", /\/user\/tokens$/],
      ["turso", /\/databases$/],
      ["turso", /\/auth\/tokens$/],
      ["vercel", /\/v11\/projects$/],
      ["render", /\/services$/],
    ] as const) {
      expect(countCalls(h.world, provider, "POST", path), `${provider} ${path}`).toBe(1);
    }
    expect(run.stderr).toMatch(/retrying in/);
  }, 300_000);
});
