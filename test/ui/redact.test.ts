import { randomBytes } from "node:crypto";
import { redact as maskValue } from "@efs/core/secret";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/redact";
import { Output } from "../../src/ui/output";
import { runEfs, type Sandbox, sandbox } from "../helpers/cli";
import { recordOutput, testToken } from "../helpers/leak-record";

describe("maskValue", () => {
  it("shows 4+4 characters and the length of long values, nothing of short ones", () => {
    expect(maskValue("a3f7".padEnd(60, "0") + "9c1e")).toBe("a3f7…9c1e (64 chars)");
    expect(maskValue("hunter2")).toBe("**** (7 chars)");
  });
});

describe("Redactor", () => {
  it("masks raw, URL-encoded and JSON-escaped forms, longest secret first", () => {
    const r = new Redactor();
    r.add("abc/def+ghi=", "A");
    r.add("abc/def+ghi=-and-more", "B");
    r.add('quote"secret', "Q");
    expect(r.redact("x abc/def+ghi=-and-more y abc/def+ghi= z")).toBe(
      "x [redacted B] y [redacted A] z",
    );
    expect(r.redact(`url?t=${encodeURIComponent("abc/def+ghi=")}`)).toBe("url?t=[redacted A]");
    expect(r.redact(JSON.stringify({ v: 'quote"secret' }))).toBe('{"v":"[redacted Q]"}');
  });

  it("ignores values too short to mask safely and reads known secret env vars", () => {
    const r = new Redactor();
    r.add("r2");
    r.addFromEnv({ VERCEL_TOKEN: "vercel-token-value", PATH: "/usr/bin:/bin" });
    expect(r.redact("r2 vercel-token-value /usr/bin:/bin")).toBe(
      "r2 [redacted VERCEL_TOKEN] /usr/bin:/bin",
    );
  });

  const hex = (chars: number) =>
    randomBytes(Math.ceil(chars / 2))
      .toString("hex")
      .slice(0, chars);

  it.each([
    ["32 KiB of hex", hex(32 * 1024)],
    ["60 KiB of hex", hex(60 * 1024)],
    ["1 MiB of hex", hex(1024 * 1024)],
    ["3,641 × € (URL-encoded form over 32,768 characters)", "€".repeat(3641)],
    ["multibyte text", `pässwörd-密码-🔥-${"ключ-".repeat(2000)}${hex(16)}`],
  ])("masks a %s value in every form without building a pattern", (_what, value) => {
    const r = new Redactor();
    r.add(value, "BIG");
    r.add("other-secret-value", "OTHER");
    const text = [
      `raw ${value} end`,
      `url ?v=${encodeURIComponent(value)}&x=1`,
      `json ${JSON.stringify({ v: value })}`,
      "other-secret-value",
    ].join("\n");
    const out = r.redact(text);
    expect(out).toBe(
      [
        "raw [redacted BIG] end",
        "url ?v=[redacted BIG]&x=1",
        'json {"v":"[redacted BIG]"}',
        "[redacted OTHER]",
      ].join("\n"),
    );
    expect(r.redactDeep({ a: [text] }).a[0]).toBe(out);
  });

  it("masks overlapping occurrences whole, so no part of either secret is left", () => {
    const r = new Redactor();
    r.add("abcdef12", "A");
    r.add("ef12ghij", "B");
    r.add("xyzxyzxyz", "P");
    expect(r.redact("<abcdef12ghij>")).toBe("<[redacted A]>");
    // A periodic secret inside a longer run of its period.
    expect(r.redact("<xyzxyzxyzxyzxyz>")).toBe("<[redacted P]>");
    expect(r.redact("<xyzxyzxy>")).toBe("<xyzxyzxy>");
  });

  it("stays linear on a periodic 1 MiB secret inside periodic text", () => {
    const r = new Redactor();
    const secret = "a".repeat(1024 * 1024);
    r.add(secret, "RUN");
    expect(r.redact(`x${"a".repeat(3 * 1024 * 1024)}y`)).toBe("x[redacted RUN]y");
    expect(r.redact(`${"a".repeat(1024 * 1024 - 1)}b`)).toHaveLength(1024 * 1024);
  });

  it("redacts every Output path, including --debug lines and error blocks", () => {
    const r = new Redactor();
    const secret = testToken("dbg_");
    r.add(secret, "TOKEN");
    let out = "";
    let err = "";
    const o = new Output({
      json: false,
      color: false,
      debug: true,
      redactor: r,
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    });
    o.print(`p ${secret}`);
    o.info(`i ${secret}`);
    o.warn(`w ${secret}`);
    o.debug(`d ${secret}`);
    o.table(["A"], [[secret]]);
    o.errorBlock(`e ${secret}`, `f ${secret}`, `stack ${secret}`);
    o.envelope({ version: 1, command: "x", ok: true, exitCode: 0, data: { nested: [secret] } });
    recordOutput("Output paths", out + err);
    expect(out + err).not.toContain(secret);
    expect((out + err).match(/\[redacted TOKEN\]/g)).toHaveLength(9);
  });
});

describe("redaction in the CLI", () => {
  let box: Sandbox | undefined;
  it("redacts a provider token from the environment out of error messages", async () => {
    box = sandbox();
    const token = testToken("ghp_");
    try {
      const r = await runEfs(["--cwd", box.project, "--debug", "env", "get", token], {
        env: { ...box.env, GITHUB_TOKEN: token },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain(token);
      expect(r.stderr).toContain(`The name given (${token.length} characters, not shown`);
    } finally {
      box.cleanup();
    }
  });
});
