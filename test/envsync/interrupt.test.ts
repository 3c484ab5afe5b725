// Ctrl-C and SIGTERM during `efs env push`, `efs verify` and `efs rotate` (real processes
// against the emulated providers): the signal arrives while a provider request is in flight;
// nothing starts after it (no request, no provider CLI run); exit 130 / 143; the message says
// what was done and what was not; running the command again finishes the job.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnEfs } from "../helpers/cli";
import { testToken } from "../helpers/leak-record";
import { startTripwire } from "../helpers/tripwire";
import { createStack, type Stack } from "../verify/stack";

let s: Stack;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  s = await createStack();
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await s.cleanup();
});

// Runs `efs <args>` through a tripwire sending `signal` at the first request matching `when`.
async function interrupted(
  args: string[],
  signal: "SIGINT" | "SIGTERM",
  when: (method: string, path: string) => boolean,
) {
  let efs: ReturnType<typeof spawnEfs> | undefined;
  let cliCalls = -1;
  const wire = await startTripwire(s.server.url, when, async () => {
    cliCalls = s.fakes.calls().length;
    efs?.child.kill(signal);
    // Answered once efs exited (or after 1 s): an efs that ignores the signal goes on.
    await Promise.race([efs?.done, new Promise((r) => setTimeout(r, 1000))]);
  });
  closers.push(() => wire.close());
  efs = spawnEfs(["--cwd", s.box.project, ...args], {
    env: { ...wire.rewrite(s.env, s.server.url), EFS_VERIFY_BROWSER: "0" },
    timeoutMs: 120_000,
  });
  const run = await efs.done;
  expect(wire.tripped(), "the run never reached the request to interrupt").not.toBeNull();
  expect(wire.after(), "requests after the signal").toEqual([]);
  expect(s.fakes.calls().length, "provider CLI runs after the signal").toBe(cliCalls);
  return run;
}

describe("the cancel signal", () => {
  it("env push: SIGTERM while pushing to Render exits 143, says what was pushed, and a re-run finishes", async () => {
    const fresh = testToken("modal_");
    await s.vault().update((d) => d.set("MODAL_AUTH_TOKEN", fresh));
    const run = await interrupted(
      ["--yes", "env", "push"],
      "SIGTERM",
      (m, p) => m === "PUT" && p.includes("/render/v1/services/"),
    );
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain(
      "Interrupted (SIGTERM): pushed vercel (MODAL_AUTH_TOKEN); stopped while pushing to render; not pushed: render, modal:r2-credentials, modal:ethereal-auth, github",
    );
    expect(run.stderr).toContain("fix: run efs env push again");
    expect(run.stdout).not.toContain(fresh);

    const again = await s.efs(["--yes", "env", "push", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(s.renderService.env.get("MODAL_AUTH_TOKEN")).toBe(fresh);
    const status = await s.efs(["env", "push", "--dry-run", "--json"]);
    expect(status.code, status.stdout).toBe(0);
  }, 120_000);

  it("verify: Ctrl-C during the Vercel checks exits 130 and names the services not checked", async () => {
    const run = await interrupted(["verify"], "SIGINT", (_m, p) => p.includes("/vercel/"));
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain(
      "Interrupted (SIGINT): checked r2, turso, modal, webhook; not checked: vercel, render, github, cross",
    );
    expect(run.stdout).not.toMatch(/\d+ ok, \d+ warn, \d+ fail/);
  }, 120_000);

  it("rotate: Ctrl-C during the Vercel push exits 130, keeps the journal, and a re-run completes", async () => {
    const old = s.values.MODAL_AUTH_TOKEN;
    const run = await interrupted(
      ["--yes", "rotate", "modal-token"],
      "SIGINT",
      // The write of the rotated value: a PATCH of the existing variable (a POST creates).
      (m, p) => (m === "PATCH" || m === "POST") && /\/vercel\/v\d+\/projects\/[^/]+\/env/.test(p),
    );
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain(
      "Interrupted (SIGINT): rotation of modal-token stopped at push:vercel; done: create, store; not done: push:vercel",
    );
    expect(run.stderr).toContain("fix: run efs rotate modal-token again to resume at push:vercel");
    const state = await s.vault().read();
    expect(state.journal.rotate).toMatchObject({ kind: "modal-token", done: ["create", "store"] });

    const resumed = await s.efs(["--yes", "rotate", "modal-token"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = (await s.vault().read()).get("MODAL_AUTH_TOKEN");
    expect(after).not.toBe(old);
    expect(s.renderService.env.get("MODAL_AUTH_TOKEN")).toBe(after);
  }, 120_000);
});
