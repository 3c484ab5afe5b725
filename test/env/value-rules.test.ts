// What the vault accepts and how values travel through files: bytes that are not UTF-8,
// NUL and zero-width characters and oversized values are refused (nothing stored, the value
// never echoed); `env import` refuses duplicates, unparseable lines and an unquoted #; every
// accepted value survives `env export` → `env import` in dotenv and JSON; a malformed NAME is
// not echoed; a vault copied from another project is refused; an https:// Turso URL is named.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runEfs, type Sandbox, sandbox } from "../helpers/cli";
import { registerSecret, testSecret, testToken } from "../helpers/leak-record";

let box: Sandbox;
afterEach(() => box?.cleanup());

const efs = (
  args: string[],
  o: {
    input?: string | Buffer;
    revealsOnStdout?: boolean;
    cwd?: string;
    env?: Record<string, string>;
  } = {},
) =>
  runEfs(["--cwd", o.cwd ?? box.project, ...args], {
    env: o.env ?? box.env,
    input: o.input,
    revealsOnStdout: o.revealsOnStdout,
  });
const vaultPath = (dir = box.project) => join(dir, ".efs/vault.json");

describe("values the vault refuses", () => {
  it("refuses bytes that are not UTF-8 on stdin instead of storing U+FFFD", async () => {
    box = sandbox();
    const r = await efs(["env", "set", "STUDIO_ACCESS_KEY"], {
      input: Buffer.concat([
        Buffer.from("key-"),
        Buffer.from([0xff, 0xfe, 0x80]),
        Buffer.from("-end"),
      ]),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The value on stdin is not valid UTF-8 text: nothing was stored");
    expect(existsSync(vaultPath())).toBe(false);
  });

  it.each([
    ["a NUL character", "abc\u0000defghij", "contains a NUL character (U+0000 at position 4)"],
    [
      "a zero-width space",
      "tok\u200Bsecretvalue",
      "contains an invisible zero-width character (U+200B at position 4)",
    ],
    [
      "a byte-order mark",
      "\uFEFFtoksecretvalue",
      "contains an invisible zero-width character (U+FEFF at position 1)",
    ],
    [
      "a control character",
      "tok\u0007secretvalue",
      "contains a control character (U+0007 at position 4)",
    ],
  ])("refuses a value with %s and does not echo it", async (_what, value, message) => {
    box = sandbox();
    registerSecret(value);
    const r = await efs(["env", "set", "STUDIO_ACCESS_KEY"], { input: value });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Refusing to store STUDIO_ACCESS_KEY ${message}`);
    expect(r.stderr).toContain("fix: retype STUDIO_ACCESS_KEY or copy it again");
    expect(existsSync(vaultPath())).toBe(false);
  });

  it("refuses a value over 1 MiB, naming the limit", async () => {
    box = sandbox();
    const r = await efs(["env", "set", "BIG_BLOB"], { input: "a".repeat(1024 * 1024 + 1) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("BIG_BLOB is 1048577 bytes: the vault stores values up to 1 MiB");
    expect(existsSync(vaultPath())).toBe(false);
  });

  it("names an https:// Turso URL and the libsql:// URL to use instead", async () => {
    box = sandbox();
    const r = await efs(["env", "set", "TURSO_DATABASE_URL"], {
      input: "https://efs-jobs-acme.aws-us-east-1.turso.io",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "TURSO_DATABASE_URL is an https:// URL: Turso database URLs start with libsql:// (use libsql://efs-jobs-acme.aws-us-east-1.turso.io)",
    );
  });

  it("never echoes a malformed NAME, and suggests the catalog name for a case slip", async () => {
    box = sandbox();
    const pasted = testToken("sk_live_");
    const r = await efs(["env", "set", pasted], { input: "value-123456" });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(pasted);
    expect(r.stderr).toContain(
      `The name given (${pasted.length} characters, not shown in case it is a secret) is not a valid variable name`,
    );
    const pair = await efs(["env", "get", `TOKEN=${pasted}`]);
    expect(pair.stderr).not.toContain(pasted);
    expect(pair.stderr).toContain('it contains "=": pass only the name');
    const slip = await efs(["env", "get", "turso_auth_token"]);
    expect(slip.stderr).toContain(
      '"turso_auth_token" is not a valid variable name: did you mean TURSO_AUTH_TOKEN?',
    );
  });
});

describe("efs env import rules", () => {
  it.each([
    [
      "a name set twice",
      "STUDIO_ACCESS_KEY=first-value\nR2_BUCKET_NAME=efs-media\nSTUDIO_ACCESS_KEY=second-value\n",
      "STUDIO_ACCESS_KEY is set more than once (lines 1, 3)",
    ],
    [
      "a line that is not NAME=value",
      `R2_BUCKET_NAME=efs-media\n${registerSecret(`ghp_${"x".repeat(30)}`)}\n`,
      "line 2 is not NAME=value (the line is not shown: it may hold a secret)",
    ],
    [
      "an unquoted # inside a value",
      "STUDIO_ACCESS_KEY=abc#def\n",
      "line 1 (STUDIO_ACCESS_KEY): an unquoted # inside the value (dotenv reads it as a comment)",
    ],
    [
      "an unclosed quote",
      "STUDIO_ACCESS_KEY='abc\n",
      "line 1 (STUDIO_ACCESS_KEY): the single quote is not closed on the same line",
    ],
    [
      "bytes that are not UTF-8",
      Buffer.concat([
        Buffer.from("R2_BUCKET_NAME=efs-media\n\nSTUDIO_ACCESS_KEY=a"),
        Buffer.from([0xc3, 0x28]),
        Buffer.from("\n"),
      ]),
      "line 3 is not valid UTF-8 text",
    ],
  ])("imports nothing from a file with %s", async (_what, text, message) => {
    box = sandbox();
    writeFileSync(join(box.project, "in.env"), text);
    const r = await efs(["env", "import", "in.env"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Nothing imported from");
    expect(r.stderr).toContain(message);
    expect(existsSync(vaultPath())).toBe(false);
  });

  it("imports nothing from JSON with a duplicate key or a value that is not a string", async () => {
    box = sandbox();
    writeFileSync(
      join(box.project, "in.json"),
      '{\n  "STUDIO_ACCESS_KEY": "one-value",\n  "R2_BUCKET_NAME": 7,\n  "STUDIO_ACCESS_KEY": "two-value"\n}\n',
    );
    const r = await efs(["env", "import", "in.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("STUDIO_ACCESS_KEY is set more than once (lines 2, 4)");
    expect(r.stderr).toContain("R2_BUCKET_NAME: the value is not a string");
    expect(existsSync(vaultPath())).toBe(false);
  });

  it("reads quoted values with #, comments after a space, export prefixes and CRLF lines", async () => {
    box = sandbox();
    writeFileSync(
      join(box.project, "in.env"),
      '# a comment\r\nexport STUDIO_ACCESS_KEY=\'abc#def\'\r\nR2_BUCKET_NAME=efs-media # the bucket\r\nMY_QUOTED="say\\"hi\\""\r\n',
    );
    const r = await efs(["--yes", "env", "import", "in.env"]);
    expect(r.code, r.stderr).toBe(0);
    const out = await efs(["env", "export", "--format", "json", "--reveal"], {
      revealsOnStdout: true,
    });
    expect(JSON.parse(out.stdout)).toEqual({
      STUDIO_ACCESS_KEY: "abc#def",
      R2_BUCKET_NAME: "efs-media",
      MY_QUOTED: 'say"hi"',
    });
  });
});

describe("export → import round trip", () => {
  const tricky: Record<string, string> = {
    T_SINGLE: "it's",
    T_DOUBLE: 'say"hi"',
    T_BOTH: `both'and"quotes`,
    T_BACKSLASH: "back\\slash\\n-not-a-newline\\",
    T_BOTH_AND_BACKSLASH: `a'b"c\\d`,
    T_HASH: "#hash#",
    // A literal ${…}: shells and dotenv-expand would substitute it; efs must not.
    T_DOLLAR: `$HOME$\{PATH}`,
    T_TICKS: "`tick`",
    T_EQUALS: "=a=b=",
    T_UNICODE: "ünïcødé-密码-🔥-κλειδί",
    T_JSONISH: '{"a":[1,2]}',
    T_QUOTE_EDGES: "'edge\"",
    INTERNAL_WEBHOOK_SECRET: "a".repeat(64),
    TURSO_DATABASE_URL: "libsql://efs-jobs-acme.turso.io?tls=1#frag",
    T_LARGE: "x€".repeat(30_000),
  };

  it.each(["dotenv", "json"])("keeps every accepted value exactly through %s", async (format) => {
    box = sandbox();
    for (const v of Object.values(tricky)) if (v.length >= 6) registerSecret(v);
    writeFileSync(join(box.project, "seed.json"), JSON.stringify(tricky));
    const seeded = await efs(["env", "import", "seed.json"]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const file = format === "json" ? "out.json" : "out.env";
    const exported = await efs(["env", "export", "--format", format, "--out", file]);
    expect(exported.code, exported.stderr).toBe(0);

    const other = join(box.project, "..", "other");
    mkdirSync(other);
    copyFileSync(join(box.project, file), join(other, file));
    const imported = await efs(["env", "import", file], { cwd: other });
    expect(imported.code, imported.stderr).toBe(0);
    const back = await efs(["env", "export", "--format", "json", "--reveal"], {
      cwd: other,
      revealsOnStdout: true,
    });
    expect(JSON.parse(back.stdout)).toEqual(tricky);
  });

  it("writes dotenv that the dotenv package reads the same for values without quote mixes", async () => {
    box = sandbox();
    const simple = { T_SINGLE: "it's", T_HASH: "#hash#", T_UNICODE: "ünïcødé-🔥" };
    writeFileSync(join(box.project, "seed.json"), JSON.stringify(simple));
    expect((await efs(["env", "import", "seed.json"])).code).toBe(0);
    expect((await efs(["env", "export", "--out", "out.env"])).code).toBe(0);
    const { parse } = (await import("dotenv")).default;
    expect(parse(readFileSync(join(box.project, "out.env"), "utf8"))).toEqual(simple);
  });
});

describe("a vault from another project", () => {
  const project = (root: string, name: string, origin: string) => {
    const dir = join(root, name);
    mkdirSync(dir);
    execFileSync("git", ["init", "-q", dir]);
    execFileSync("git", ["-C", dir, "remote", "add", "origin", origin]);
    return dir;
  };

  it.each([
    ["with EFS_VAULT_KEY", true],
    ["with the key file", false],
  ])("is refused %s, and accepted after efs vault rebind", async (_what, envKey) => {
    box = sandbox();
    const env = envKey ? { ...box.env, EFS_VAULT_KEY: testSecret(64) } : box.env;
    const a = project(box.project, "a", "git@github.com:acme/studio-a.git");
    const b = project(box.project, "b", "https://github.com/acme/studio-b.git");
    const secret = testToken("studio_");
    expect(
      (await efs(["env", "set", "STUDIO_ACCESS_KEY"], { cwd: a, env, input: secret })).code,
    ).toBe(0);
    // A clone of the same repository over https is the same project.
    const a2 = project(box.project, "a2", "https://github.com/acme/studio-a");
    mkdirSync(join(a2, ".efs"));
    copyFileSync(vaultPath(a), vaultPath(a2));
    expect((await efs(["env", "ls"], { cwd: a2, env })).code).toBe(0);

    mkdirSync(join(b, ".efs"));
    copyFileSync(vaultPath(a), vaultPath(b));
    const r = await efs(["env", "ls", "--json"], { cwd: b, env });
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: "VAULT_OTHER_PROJECT" });
    expect(r.json().error?.message).toContain(
      "belongs to another project (github.com/acme/studio-a); this checkout is github.com/acme/studio-b",
    );
    expect(r.json().error?.fix).toContain("efs vault rebind --yes");
    const get = await efs(["env", "get", "STUDIO_ACCESS_KEY", "--reveal"], { cwd: b, env });
    expect(get.code).toBe(1);
    expect(get.stdout).toBe("");

    const rebind = await efs(["--yes", "vault", "rebind"], { cwd: b, env });
    expect(rebind.code, rebind.stderr).toBe(0);
    expect(rebind.stderr).toContain("the vault is now bound to github.com/acme/studio-b");
    expect((await efs(["env", "ls"], { cwd: b, env })).code).toBe(0);
  });
});
