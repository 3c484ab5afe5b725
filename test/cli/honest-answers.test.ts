// Answers a CI gate can trust: `env push --dry-run` / `env status` never call an unchecked
// target in sync; a missing Vercel project is a clear error with its fix; permission
// problems name the path and the fix; with --json `ok` agrees with the exit code and
// --help / --version are JSON too; no AWS SDK Node-version warning on an R2 check.
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runEfs, runEfsInProcess, type Sandbox, sandbox } from "../helpers/cli";
import { testToken } from "../helpers/leak-record";
import { createStack, type Stack } from "../verify/stack";

describe("unchecked targets and a missing Vercel project", () => {
  let s: Stack;
  beforeEach(async () => {
    s = await createStack();
    // Every target holds what the vault holds, and efs has recorded pushing it.
    const push = await s.efs(["--yes", "env", "push"]);
    expect(push.code, push.stderr).toBe(0);
  });
  afterEach(() => s.cleanup());

  it("env push --dry-run exits 1 instead of 'in sync' when a target cannot be checked", async () => {
    const inSync = await s.efs(["env", "push", "--dry-run"]);
    expect(inSync.code, inSync.stderr).toBe(0);
    expect(inSync.stderr).toContain("every target is in sync");

    const r = await s.efs(["env", "push", "--dry-run", "--json"], { GITHUB_TOKEN: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("in sync");
    expect(r.stderr).toContain("could not check 1 of 5 target(s): github");
    expect(r.json()).toMatchObject({ ok: false, exitCode: 1, data: { unchecked: ["github"] } });
  });

  it("env status exits 1 instead of 'no drift' when a target cannot be checked", async () => {
    expect((await s.efs(["env", "status"])).stderr).toContain("no drift");
    const r = await s.efs(["env", "status"], { RENDER_API_KEY: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("no drift");
    expect(r.stderr).toContain("RENDER_API_KEY is not set");
    expect(r.stderr).toContain("could not check 1 of 5 target(s): render — their drift is unknown");
  });

  it.each([
    ["env status --target vercel", ["env", "status", "--target", "vercel"]],
    ["env push --target vercel", ["--yes", "env", "push", "--target", "vercel"]],
    ["rotate webhook-secret", ["--yes", "rotate", "webhook-secret"]],
  ])("%s names a missing Vercel project and the fix", async (_what, args) => {
    s.world.vercel.projects.splice(0);
    const r = await s.efs([...args, "--json"]);
    expect(r.code).toBe(1);
    const error = r.json().error;
    expect(error?.code).toBe("VERCEL_PROJECT_MISSING");
    expect(error?.message).toContain(
      "Vercel project prj_flame0001 (from VERCEL_PROJECT_ID in the vault) does not exist",
    );
    expect(error?.fix).toContain("efs init --only vercel");
    expect(r.stderr).not.toContain("report it");
  });
});

describe("permission problems", () => {
  let box: Sandbox;
  afterEach(() => {
    for (const d of [box.project, join(box.project, ".efs"), box.configHome])
      try {
        chmodSync(d, 0o755);
      } catch {
        // already gone
      }
    box.cleanup();
  });
  // Root ignores file modes: the efs process then runs as nobody, owning the sandbox.
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  const own = (dir: string) => {
    if (!user) return;
    const walk = (p: string) => {
      chownSync(p, user.uid, user.gid);
      if (statSync(p).isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    };
    walk(dir);
  };
  const efs = (args: string[], input?: string) =>
    runEfs(["--cwd", box.project, ...args], { env: box.env, input, user });

  it("names a read-only project directory and the fix", async () => {
    box = sandbox();
    own(join(box.project, ".."));
    chmodSync(box.project, 0o555);
    const r = await efs(["env", "set", "STUDIO_ACCESS_KEY"], testToken("studio_"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Cannot create the folder ${join(box.project, ".efs")}: permission denied (EACCES)`,
    );
    expect(r.stderr).toContain(`chmod u+w ${box.project}`);
    expect(r.stderr).not.toContain("internal error");
  });

  it("names an unwritable lock directory and the fix", async () => {
    box = sandbox();
    // A project efs used before: the folder and its .gitignore exist, the lock does not.
    mkdirSync(join(box.project, ".efs"));
    writeFileSync(join(box.project, ".efs/.gitignore"), "*\n");
    own(join(box.project, ".."));
    chmodSync(join(box.project, ".efs"), 0o555);
    const r = await efs(["env", "set", "STUDIO_ACCESS_KEY"], testToken("studio_"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(box.project, ".efs/vault.json.lock")}: permission denied (EACCES)`,
    );
    expect(r.stderr).toContain(`chmod u+w ${join(box.project, ".efs")}`);
  });

  it("names an unwritable key directory and offers EFS_VAULT_KEY", async () => {
    box = sandbox();
    own(join(box.project, ".."));
    chmodSync(box.configHome, 0o555);
    const r = await efs(["env", "set", "STUDIO_ACCESS_KEY"], testToken("studio_"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot create the folder ${join(box.configHome, "efs")}`);
    expect(r.stderr).toContain("permission denied (EACCES)");
    expect(r.stderr).toContain("EFS_VAULT_KEY (then no key file is written)");
  });
});

describe("--json", () => {
  let box: Sandbox;
  afterEach(() => box?.cleanup());

  it("reports ok false whenever the exit code is not 0", async () => {
    box = sandbox();
    const r = await runEfs(["--cwd", box.project, "init", "--plan", "--json"], {
      env: box.env,
    });
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ ok: false, exitCode: 2 });
  });

  it("prints --version and --help as JSON envelopes", async () => {
    const v = await runEfsInProcess(["--version", "--json"]);
    expect(v.code).toBe(0);
    expect(v.json()).toMatchObject({
      version: 1,
      ok: true,
      exitCode: 0,
      data: { version: "0.1.0" },
    });
    const h = await runEfsInProcess(["--help", "--json"]);
    expect(h.code).toBe(0);
    const help = h.json();
    expect(help.ok).toBe(true);
    expect((help.data as { help: string }).help).toContain("Usage: efs");
    expect((help.data as { commands: { name: string }[] }).commands.map((c) => c.name)).toContain(
      "init",
    );
    const env = await runEfsInProcess(["env", "--help", "--json"]);
    expect(env.json()).toMatchObject({ command: "env", ok: true });
    expect(
      (env.json().data as { commands: { name: string }[] }).commands.map((c) => c.name),
    ).toEqual(expect.arrayContaining(["push", "status", "import"]));
  });
});

describe("the AWS SDK's Node-version warning", () => {
  let s: Stack;
  afterEach(() => s?.cleanup());

  it("is not printed by an R2 check", async () => {
    s = await createStack();
    const r = await runEfs(["--cwd", s.box.project, "verify", "r2"], {
      env: s.env,
      timeoutMs: 90_000,
    });
    expect(r.stdout).toContain("list the bucket (max 1 key)");
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
  });
});
