import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CANCEL, ScriptedPrompter } from "../../src/ui/scripted-prompter";
import { runEfs, runEfsInProcess, type Sandbox, sandbox } from "../helpers/cli";
import { testSecret, testToken } from "../helpers/leak-record";

let box: Sandbox;
afterEach(() => box?.cleanup());

const efs = (args: string[], o: { input?: string; revealsOnStdout?: boolean } = {}) =>
  runEfs(["--cwd", box.project, ...args], { env: box.env, ...o });
const efsIn = (
  args: string[],
  o: { input?: string; prompter?: ScriptedPrompter; tty?: boolean; revealsOnStdout?: boolean } = {},
) => runEfsInProcess(["--cwd", box.project, ...args], { env: box.env, ...o });
const vaultText = () => readFileSync(join(box.project, ".efs/vault.json"), "utf8");

describe("efs env set / get", () => {
  it("stores a piped value and shows it redacted unless --reveal", async () => {
    box = sandbox();
    const secret = testSecret(64);
    const set = await efs(["env", "set", "INTERNAL_WEBHOOK_SECRET"], { input: `${secret}\n` });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain(
      `INTERNAL_WEBHOOK_SECRET created — ${secret.slice(0, 4)}…${secret.slice(-4)} (64 chars)`,
    );
    const get = await efs(["env", "get", "INTERNAL_WEBHOOK_SECRET"]);
    expect(get.code).toBe(0);
    expect(get.stdout).toContain(`${secret.slice(0, 4)}…${secret.slice(-4)} (64 chars)`);
    const reveal = await efs(["env", "get", "INTERNAL_WEBHOOK_SECRET", "--reveal"], {
      revealsOnStdout: true,
    });
    expect(reveal.stdout).toBe(`${secret}\n`);
    expect(statSync(join(box.project, ".efs/vault.json")).mode & 0o777).toBe(0o600);
  });

  it.each([
    ["trailing space", "INTERNAL_WEBHOOK_SECRET", `${"a".repeat(64)} \n`, "surrounding whitespace"],
    ["two newlines", "TURSO_AUTH_TOKEN", "tok\n\n", "ends with a newline"],
    ["wrong shape", "TURSO_DATABASE_URL", "http://db.example.com", "libsql://"],
    ["space inside a token", "TURSO_AUTH_TOKEN", "abc def", "contains whitespace"],
  ])("refuses a value with %s, changing nothing", async (_what, name, input, msg) => {
    box = sandbox();
    await efs(["env", "set", "R2_BUCKET_NAME"], { input: "efs-media" });
    const before = vaultText();
    const r = await efs(["env", "set", name], { input });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(msg);
    expect(r.stderr).toContain(`fix: pass the exact value`);
    expect(vaultText()).toBe(before);
  });

  it("fails fast without a terminal when stdin is empty, naming the flag", async () => {
    box = sandbox();
    const r = await efs(["env", "set", "TURSO_AUTH_TOKEN"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("stdin was empty");
    expect(r.stderr).toContain("--value");
  });

  it("takes --value only with a warning about shell history", async () => {
    box = sandbox();
    const tok = testToken("tt_");
    const r = await efs(["env", "set", "TURSO_AUTH_TOKEN", "--value", tok]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "warning: --value puts TURSO_AUTH_TOKEN's value in your shell history",
    );
  });

  it("needs --yes to replace a value without a terminal", async () => {
    box = sandbox();
    const a = testToken("a_");
    const b = testToken("b_");
    await efs(["env", "set", "TURSO_AUTH_TOKEN"], { input: a });
    const refused = await efs(["env", "set", "TURSO_AUTH_TOKEN"], { input: b });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("fix: pass --yes");
    const ok = await efs(["env", "set", "TURSO_AUTH_TOKEN", "--yes"], { input: b });
    expect(ok.code).toBe(0);
    const json = (
      await efs(["env", "get", "TURSO_AUTH_TOKEN", "--reveal", "--json"], { revealsOnStdout: true })
    ).json();
    expect(json.data).toMatchObject({ name: "TURSO_AUTH_TOKEN", value: b, revealed: true });
  });

  it("names the variable that is not set", async () => {
    box = sandbox();
    const r = await efs(["env", "get", "TURSO_AUTH_TOKEN", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({
      code: "NOT_SET",
      fix: "run efs env set TURSO_AUTH_TOKEN (or efs env ls to see what is set)",
    });
  });
});

describe("efs env set with a scripted prompter", () => {
  it("asks for the value with a hidden prompt and stores it", async () => {
    box = sandbox();
    const secret = testSecret(64);
    const p = new ScriptedPrompter({ "--value": secret });
    const r = await efsIn(["env", "set", "INTERNAL_WEBHOOK_SECRET"], { prompter: p, tty: true });
    expect(r.code).toBe(0);
    expect(p.asked).toEqual([
      {
        kind: "password",
        flag: "--value",
        message: "Value for INTERNAL_WEBHOOK_SECRET (Webhook secret (64 hex chars))",
      },
    ]);
    expect(p.unused()).toEqual([]);
    const get = await efsIn(["env", "get", "INTERNAL_WEBHOOK_SECRET", "--reveal"], {
      revealsOnStdout: true,
    });
    expect(get.stdout.trim()).toBe(secret);
  });

  it("asks before replacing and keeps the old value when declined", async () => {
    box = sandbox();
    const a = testSecret(64);
    const b = testSecret(64);
    await efsIn(["env", "set", "INTERNAL_WEBHOOK_SECRET"], {
      prompter: new ScriptedPrompter({ "--value": a }),
      tty: true,
    });
    const before = vaultText();
    const p = new ScriptedPrompter({ "--value": b, "--yes": false });
    const r = await efsIn(["env", "set", "INTERNAL_WEBHOOK_SECRET"], { prompter: p, tty: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("replacing it was declined");
    expect(p.asked.map((q) => q.kind)).toEqual(["password", "confirm"]);
    expect(vaultText()).toBe(before);
    const yes = await efsIn(["env", "set", "INTERNAL_WEBHOOK_SECRET"], {
      prompter: new ScriptedPrompter({ "--value": b, "--yes": true }),
      tty: true,
    });
    expect(yes.code).toBe(0);
    expect(yes.stderr).toContain("INTERNAL_WEBHOOK_SECRET updated");
  });

  it("exits 130 and stores nothing when the prompt is cancelled (Ctrl-C)", async () => {
    box = sandbox();
    const r = await efsIn(["env", "set", "TURSO_AUTH_TOKEN"], {
      prompter: new ScriptedPrompter({ "--value": CANCEL }),
      tty: true,
    });
    expect(r.code).toBe(130);
    expect(r.stderr.trim()).toBe("Cancelled");
    const ls = (await efsIn(["env", "ls", "--json"])).json();
    expect((ls.data as { vault: { exists: boolean } }).vault.exists).toBe(false);
  });
});

describe("efs env ls / unset", () => {
  it("lists every catalog variable with redacted values and push state", async () => {
    box = sandbox();
    const secret = testSecret(64);
    await efs(["env", "set", "INTERNAL_WEBHOOK_SECRET"], { input: secret });
    const r = await efs(["env", "ls"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/VARIABLE\s+SOURCE\s+VALUE\s+PUSHED\s+IN SYNC/);
    expect(r.stdout).toMatch(
      /INTERNAL_WEBHOOK_SECRET\s+generated\s+\S{4}…\S{4} \(64 chars\)\s+-\s+-/,
    );
    expect(r.stdout).toMatch(/TURSO_AUTH_TOKEN\s+turso\s+\(not set\)/);
    const j = (await efs(["env", "ls", "--set-only", "--json"])).json();
    expect(j.data).toMatchObject({
      vault: { exists: true },
      variables: [{ name: "INTERNAL_WEBHOOK_SECRET", set: true, secret: true, inSync: null }],
    });
  });

  it("removes a variable only with confirmation", async () => {
    box = sandbox();
    await efs(["env", "set", "R2_BUCKET_NAME"], { input: "efs-media" });
    const refused = await efs(["env", "unset", "R2_BUCKET_NAME"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("fix: pass --yes");
    const ok = await efs(["env", "unset", "R2_BUCKET_NAME", "--yes", "--json"]);
    expect(ok.json().data).toMatchObject({ name: "R2_BUCKET_NAME", removed: true });
  });
});

describe("efs env import / export", () => {
  it("imports a dotenv file and exports it back identically (dotenv and JSON)", async () => {
    box = sandbox();
    const secret = testSecret(64);
    const tok = testToken("tk_");
    writeFileSync(
      join(box.project, "prod.env"),
      `# production\nINTERNAL_WEBHOOK_SECRET=${secret}\nTURSO_AUTH_TOKEN="${tok}"\nR2_BUCKET_NAME=efs-media\nNEXT_PUBLIC_APP_URL=https://efs.example.com\n`,
    );
    const imp = await efs(["env", "import", "prod.env", "--json"]);
    expect(imp.code).toBe(0);
    expect((imp.json().data as { variables: unknown[] }).variables).toHaveLength(4);
    const out = await efs(["env", "export", "--out", "back.env"]);
    expect(out.code).toBe(0);
    const file = join(box.project, "back.env");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { parse } = (await import("dotenv")).default;
    expect(parse(readFileSync(file, "utf8"))).toEqual({
      INTERNAL_WEBHOOK_SECRET: secret,
      TURSO_AUTH_TOKEN: tok,
      R2_BUCKET_NAME: "efs-media",
      NEXT_PUBLIC_APP_URL: "https://efs.example.com",
    });
    const json = await efs(["env", "export", "--format", "json", "--reveal"], {
      revealsOnStdout: true,
    });
    expect(JSON.parse(json.stdout)).toMatchObject({
      INTERNAL_WEBHOOK_SECRET: secret,
      TURSO_AUTH_TOKEN: tok,
    });
  });

  it("imports nothing when any line is invalid and lists every problem", async () => {
    box = sandbox();
    writeFileSync(
      join(box.project, "bad.env"),
      `R2_BUCKET_NAME=efs-media\nINTERNAL_WEBHOOK_SECRET=short\nTURSO_DATABASE_URL=http://x\n`,
    );
    const r = await efs(["env", "import", "bad.env"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Nothing imported");
    expect(r.stderr).toContain("INTERNAL_WEBHOOK_SECRET must be 64 hex characters");
    expect(r.stderr).toContain(
      "TURSO_DATABASE_URL is an http:// URL: Turso database URLs start with libsql:// (use libsql://x)",
    );
    const ls = (await efs(["env", "ls", "--json"])).json();
    expect((ls.data as { vault: { exists: boolean } }).vault.exists).toBe(false);
  });

  it("refuses to print values without --reveal or --out", async () => {
    box = sandbox();
    await efs(["env", "set", "TURSO_AUTH_TOKEN"], { input: testToken() });
    const r = await efs(["env", "export"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("fix: pass --out FILE (written with mode 0600) or --reveal");
  });
});
