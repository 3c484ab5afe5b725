// Ctrl-C and SIGTERM during `efs init` (a real process against the emulated providers): the
// signal arrives while one provider request is in flight; no request, no provider CLI run
// starts after it; the exit code is 130 / 143; the message says what was done and what was
// not; and a plain re-run resumes to exactly one of each resource.
import { afterEach, describe, expect, it } from "vitest";
import { resourceCounts } from "../emulators/state";
import { spawnEfs } from "../helpers/cli";
import { startTripwire, type Tripwire } from "../helpers/tripwire";
import { createHarness, type Harness, registerVaultSecrets } from "./harness";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ONE_OF_EACH = {
  buckets: 1,
  cfTokens: 1,
  tursoGroups: 1,
  tursoDbs: 1,
  vercelProjects: 1,
  renderServices: 1,
};

// Runs `efs init --yes` through a tripwire that sends `signal` when `when` matches.
async function interruptedInit(
  h: Harness,
  signal: "SIGINT" | "SIGTERM",
  when: (method: string, path: string) => boolean,
) {
  let efs: ReturnType<typeof spawnEfs> | undefined;
  let cliCallsAtTrip = -1;
  const wire: Tripwire = await startTripwire(h.server.url, when, async () => {
    cliCallsAtTrip = h.fakes.calls().length;
    efs?.child.kill(signal);
    // The provider answers once efs has exited, or after 1 s: an efs that ignored the
    // signal gets its answer and goes on (and the test sees its next calls).
    await Promise.race([efs?.done, new Promise((r) => setTimeout(r, 1000))]);
  });
  cleanups.push(() => wire.close());
  efs = spawnEfs(["--cwd", h.box.project, "init", "--yes"], {
    env: wire.rewrite(h.env, h.server.url),
    timeoutMs: 120_000,
  });
  const run = await efs.done;
  return { run, wire, cliCallsAtTrip };
}

describe("efs init and the cancel signal", () => {
  it("stops at Ctrl-C during the Turso database create: exit 130, no call after it, resumable", async () => {
    const h = await createHarness();
    cleanups.push(() => h.cleanup());
    const { run, wire, cliCallsAtTrip } = await interruptedInit(
      h,
      "SIGINT",
      (m, p) => m === "POST" && /\/turso\/v1\/organizations\/[^/]+\/databases$/.test(p),
    );
    expect(wire.tripped(), "the run never reached the Turso create").not.toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(wire.after()).toEqual([]);
    expect(h.fakes.calls().length).toBe(cliCallsAtTrip);
    expect(run.stderr).toContain("Interrupted (SIGINT): finished templates, r2 in this run");
    expect(run.stderr).toContain("stopped inside turso before its next provider call");
    expect(run.stderr).toContain("not started: modal, webhook, vercel, render, github");
    expect(run.stderr).toContain("fix: run efs init again to resume at turso");
    expect(run.stderr).not.toMatch(/Provisioned|✔ .*turso/);
    expect((await h.journal()).turso?.status).toBe("started");

    const resumed = await h.efs(["init", "--yes"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(resourceCounts(h.world)).toMatchObject(ONE_OF_EACH);
    expect(h.server.unhandled).toEqual([]);
  }, 300_000);

  it("stops at SIGTERM during the Render service create with exit 143 and starts nothing after it", async () => {
    const h = await createHarness();
    cleanups.push(() => h.cleanup());
    const { run, wire, cliCallsAtTrip } = await interruptedInit(
      h,
      "SIGTERM",
      (m, p) => m === "POST" && /\/render\/v1\/services$/.test(p),
    );
    expect(wire.tripped(), "the run never reached Render").not.toBeNull();
    expect(run.code, run.stderr).toBe(143);
    expect(wire.after()).toEqual([]);
    expect(h.fakes.calls().length).toBe(cliCallsAtTrip);
    expect(run.stderr).toMatch(
      /Interrupted \(SIGTERM\): finished templates, r2, turso, modal, webhook, vercel in this run; stopped inside render/,
    );
    expect(run.stderr).toContain("not started: github");
    const resumed = await h.efs(["init", "--yes"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    await registerVaultSecrets(h);
    expect(resourceCounts(h.world)).toMatchObject(ONE_OF_EACH);
  }, 300_000);

  it("prints the interruption as the --json envelope with ok false and exit 130", async () => {
    const h = await createHarness();
    cleanups.push(() => h.cleanup());
    let efs: ReturnType<typeof spawnEfs> | undefined;
    const wire = await startTripwire(
      h.server.url,
      (m, p) => m === "GET" && p.includes("/cloudflare/"),
      async () => {
        efs?.child.kill("SIGINT");
        await Promise.race([efs?.done, new Promise((r) => setTimeout(r, 1000))]);
      },
    );
    cleanups.push(() => wire.close());
    efs = spawnEfs(["--cwd", h.box.project, "init", "--yes", "--json"], {
      env: wire.rewrite(h.env, h.server.url),
      timeoutMs: 120_000,
    });
    const run = await efs.done;
    expect(run.code).toBe(130);
    expect(wire.after()).toEqual([]);
    expect(run.json()).toMatchObject({
      command: "init",
      ok: false,
      exitCode: 130,
      error: { code: "INTERRUPTED", exitCode: 130 },
    });
  }, 300_000);
});
