// efs destroy killed with SIGKILL just before each of its journal writes, then run again:
// every run either dies at its point or finishes; in the end the world is empty, every
// resource was deleted exactly once, and nothing already gone made a run fail.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { HistoryEntry } from "../../src/handlers/destroy/journal";
import { Vault } from "../../src/vault/vault";
import { resourceCounts } from "../emulators/state";
import { fill, PROJECT, provisioned, type SharedS3, startBucketS3, type World } from "./helpers";

let shared: SharedS3;
beforeAll(async () => {
  shared = await startBucketS3();
}, 120_000);
afterAll(async () => {
  await shared?.s3.stop();
});
const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    expect(w.h.server.unhandled).toEqual([]);
    await w.cleanup();
  }
});
const start = async () => {
  const w = await provisioned(shared, { jobs: 3 });
  worlds.push(w);
  await fill(w.bucket, 9);
  return w;
};
const CONFIRM = ["--yes", "--confirm", PROJECT];

// The named journal writes of a clean destroy, in order, without repeats.
async function journalPoints(): Promise<string[]> {
  const w = await start();
  const log = join(w.h.box.project, "..", "destroy-points.log");
  const run = await w.destroy(CONFIRM, { EFS_TEST_JOURNAL_LOG: log });
  expect(run.code, run.stderr).toBe(0);
  return [...new Set(readFileSync(log, "utf8").trim().split("\n"))];
}

describe("efs destroy survives kill -9", () => {
  it("converges after a crash at every journal write, deleting each resource once", async () => {
    const points = await journalPoints();
    expect(points.length).toBeGreaterThan(30);
    for (const p of [
      "destroy:github:mark:started",
      "destroy:r2:objects:intent",
      "destroy:r2:bucket:record",
      "destroy:r2:mark:done",
    ])
      expect(points).toContain(p);

    const w = await start();
    const passed: string[] = [];
    for (const point of points) {
      const run = await w.destroy(CONFIRM, { EFS_TEST_CRASH_AT: point });
      if (run.signal !== "SIGKILL") {
        expect(run.code, `${point}: ${run.stderr}`).toBe(0);
        passed.push(point);
      }
    }
    // A run passes a point without crashing only when that write is no longer needed.
    expect(passed.length, `not crashed at: ${passed.join(", ")}`).toBeLessThanOrEqual(
      points.length / 4,
    );
    const final = await w.destroy(CONFIRM);
    expect(final.code, final.stderr).toBe(0);

    expect(resourceCounts(w.h.world)).toMatchObject({
      buckets: 0,
      cfTokens: 0,
      tursoDbs: 0,
      vercelProjects: 0,
      renderServices: 0,
    });
    expect(await w.objects()).toBe(0);
    expect(w.h.fakes.get<{ stopped: boolean; secrets: object }>("modal")).toMatchObject({
      stopped: true,
      secrets: {},
    });
    // Every provider resource was removed by exactly one successful DELETE.
    const removed = new Map<string, number>();
    for (const c of w.h.world.calls)
      if (c.method === "DELETE" && c.status < 300)
        removed.set(c.path, (removed.get(c.path) ?? 0) + 1);
    expect(removed.size).toBe(8);
    expect(
      [...removed.values()].every((n) => n === 1),
      JSON.stringify([...removed]),
    ).toBe(true);
    const stops = w.h.fakes
      .calls("modal")
      .filter((c) => c.argv[0] === "app" && c.argv[1] === "stop").length;
    expect(stops).toBeGreaterThanOrEqual(1);

    // The vault remembers each destroyed resource once and init's records are gone.
    const state = await new Vault({ root: w.h.box.project, keys: { env: { ...w.h.env } } }).read();
    const history = state.journal.destroyed as HistoryEntry[];
    expect(history.map((e) => e.what).sort()).toEqual(
      [...new Set(history.map((e) => e.what))].sort(),
    );
    expect(history).toHaveLength(12);
    expect(Object.keys(state.journal.init as object).sort()).toEqual(["templates", "webhook"]);
  }, 1_200_000);
});
