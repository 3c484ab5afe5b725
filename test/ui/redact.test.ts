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
      expect(r.stderr).toContain('"[redacted GITHUB_TOKEN]" is not a valid variable name');
    } finally {
      box.cleanup();
    }
  });
});
