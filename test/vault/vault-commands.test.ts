import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runEfs, type Sandbox, sandbox } from "../helpers/cli";
import { registerSecret, testSecret, testToken } from "../helpers/leak-record";

let box: Sandbox;
afterEach(() => box?.cleanup());

const efs = (
  args: string[],
  o: { input?: string; revealsOnStdout?: boolean; env?: Record<string, string> } = {},
) =>
  runEfs(["--cwd", box.project, ...args], {
    env: o.env ?? box.env,
    input: o.input,
    revealsOnStdout: o.revealsOnStdout,
  });

function git(args: string[]) {
  return spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: box.project,
    encoding: "utf8",
  });
}

describe("efs vault key / status", () => {
  it("prints the key for backup, and that key opens the vault from another machine via EFS_VAULT_KEY", async () => {
    box = sandbox();
    const secret = testSecret(64);
    await efs(["env", "set", "INTERNAL_WEBHOOK_SECRET"], { input: secret });
    const shown = await efs(["vault", "key"]);
    expect(shown.stdout).toMatch(/^key id [0-9a-f]{16} from the key file .*\.key$/m);
    const revealed = await efs(["vault", "key", "--reveal"], { revealsOnStdout: true });
    const key = registerSecret(revealed.stdout.trim());
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    // "Another machine": a fresh config dir without the key file, key given as EFS_VAULT_KEY.
    const other = sandbox();
    try {
      const ciEnv = { ...other.env, EFS_VAULT_KEY: key };
      const get = await efs(["env", "get", "INTERNAL_WEBHOOK_SECRET", "--reveal"], {
        env: ciEnv,
        revealsOnStdout: true,
      });
      expect(get.stdout.trim()).toBe(secret);
      const without = await efs(["env", "ls"], { env: other.env });
      expect(without.code).toBe(1);
      expect(without.stderr).toContain("No key for this vault");
      expect(without.stderr).toContain("fix: set EFS_VAULT_KEY");
    } finally {
      other.cleanup();
    }
    const status = (await efs(["vault", "status", "--json"])).json().data as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({
      exists: true,
      mode: "600",
      kdf: "raw",
      variables: 1,
      hookInstalled: false,
    });
  });

  it("fails fast in CI on a passphrase vault without EFS_VAULT_PASSPHRASE, naming it", async () => {
    box = sandbox();
    const pass = registerSecret("a long passphrase for the test vault");
    await efs(["env", "set", "TURSO_AUTH_TOKEN"], {
      input: testToken(),
      env: { ...box.env, EFS_VAULT_PASSPHRASE: pass },
    });
    const r = await efs(["env", "ls"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("fix: pass EFS_VAULT_PASSPHRASE");
    const ok = await efs(["env", "ls", "--set-only"], {
      env: { ...box.env, EFS_VAULT_PASSPHRASE: pass },
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("TURSO_AUTH_TOKEN");
  });
});

describe("efs vault hook install", () => {
  it("makes git refuse to commit the vault, env files and copies of the vault", async () => {
    box = sandbox();
    execFileSync("git", ["init", "-q", box.project]);
    writeFileSync(join(box.project, ".gitignore"), ".efs/\n.env\n");
    await efs(["env", "set", "INTERNAL_WEBHOOK_SECRET"], { input: testSecret(64) });
    const inst = await efs(["vault", "hook", "install"]);
    expect(inst.code).toBe(0);
    expect(inst.stderr).toContain("pre-commit guard created");
    git(["add", "-f", ".efs/vault.json"]);
    const refused = git(["commit", "-qm", "oops"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("efs: refusing to commit secret files");
    expect(refused.stderr).toContain(".efs/vault.json");
    git(["rm", "-q", "--cached", ".efs/vault.json"]);
    copyFileSync(join(box.project, ".efs/vault.json"), join(box.project, "backup.json"));
    git(["add", "backup.json"]);
    expect(git(["commit", "-qm", "sneaky"]).stderr).toContain("backup.json");
    git(["rm", "-q", "--cached", "backup.json"]);
    writeFileSync(join(box.project, "README.md"), "hello\n");
    git(["add", "README.md", ".gitignore"]);
    expect(git(["commit", "-qm", "fine"]).status).toBe(0);
  });

  it("chains into an existing pre-commit hook instead of replacing it", async () => {
    box = sandbox();
    execFileSync("git", ["init", "-q", box.project]);
    const hook = join(box.project, ".git/hooks/pre-commit");
    writeFileSync(hook, `#!/bin/sh\necho ran >> "${join(box.home, "theirs.log")}"\n`, {
      mode: 0o755,
    });
    const r = await efs(["vault", "hook", "install", "--json"]);
    expect(r.json().data).toMatchObject({ action: "chained" });
    writeFileSync(join(box.project, ".env"), "X=1\n");
    git(["add", "-f", ".env"]);
    expect(git(["commit", "-qm", "env"]).stderr).toContain(".env");
    git(["rm", "-q", "--cached", ".env"]);
    writeFileSync(join(box.project, "a.txt"), "a\n");
    git(["add", "a.txt"]);
    expect(git(["commit", "-qm", "a"]).status).toBe(0);
    expect(execFileSync("cat", [join(box.home, "theirs.log")], { encoding: "utf8" })).toContain(
      "ran",
    );
    const again = await efs(["vault", "hook", "install", "--json"]);
    expect(again.json().data).toMatchObject({ action: "updated" });
  });
});
