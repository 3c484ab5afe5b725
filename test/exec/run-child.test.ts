import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EfsError } from "../../src/errors";
import { runChild } from "../../src/exec/run-child";
import { Redactor } from "../../src/redact";
import { REPO } from "../helpers/cli";
import { recordOutput, testSecret, testToken } from "../helpers/leak-record";

const FAKE = join(REPO, "test/fixtures/bin/efs-fake-cli");
let dir: string;
let argvLog: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "efs-child-"));
  argvLog = join(dir, "argv.txt");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("runChild", () => {
  it("passes a secret on stdin, never in argv, and redacts it from the child's output", async () => {
    const secret = testToken("tursotok_");
    const r = new Redactor();
    let streamed = "";
    const res = await runChild(FAKE, ["db", "tokens", "create", "--stdin"], {
      redactor: r,
      stdinSecret: secret,
      env: { FAKE_ARGV_LOG: argvLog },
      passthrough: { write: (s: string) => (streamed += s) },
    });
    recordOutput("runChild stdout", res.stdout);
    recordOutput("runChild stderr", res.stderr);
    recordOutput("runChild passthrough", streamed);
    expect(res.exitCode).toBe(0);
    expect(readFileSync(argvLog, "utf8")).toBe("db\ntokens\ncreate\n--stdin\n");
    expect(res.stdout).toContain("stdout: received [redacted");
    expect(res.stderr).toContain("stderr: token was [redacted");
    expect(streamed).toContain("token was [redacted");
    expect(`${res.stdout}${res.stderr}${streamed}`).not.toContain(secret);
  });

  it("hands a secret over as a 0600 temp file that is gone afterwards", async () => {
    const secret = testSecret(64);
    const res = await runChild(FAKE, ["secret", "create", "--from-file", "{{file:WEBHOOK}}"], {
      redactor: new Redactor(),
      secretFiles: { WEBHOOK: secret },
      env: { FAKE_ARGV_LOG: argvLog },
    });
    recordOutput("runChild file stdout", res.stdout);
    const path = readFileSync(argvLog, "utf8").trim().split("\n")[3]!;
    expect(path).toMatch(/efs-secret-.*WEBHOOK-/);
    expect(res.stdout).toContain(`file ${path} mode 600 content [redacted WEBHOOK]`);
    expect(existsSync(path)).toBe(false);
  });

  it("refuses to put a known secret into argv and never starts the child", async () => {
    const r = new Redactor();
    const secret = testToken("vercel_");
    r.add(secret, "VERCEL_TOKEN");
    const err = await runChild(FAKE, ["deploy", "--token", secret], {
      redactor: r,
      env: { FAKE_ARGV_LOG: argvLog },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EfsError);
    expect((err as EfsError).code).toBe("SECRET_IN_ARGV");
    expect((err as EfsError).message).not.toContain(secret);
    expect(existsSync(argvLog)).toBe(false);
  });

  it("returns a non-zero exit code with redacted output instead of throwing", async () => {
    const secret = testToken();
    const res = await runChild(FAKE, ["whoami"], {
      redactor: new Redactor(),
      stdinSecret: secret,
      env: { FAKE_ARGV_LOG: argvLog, FAKE_EXIT: "3" },
    });
    recordOutput("runChild fail stderr", res.stderr);
    expect(res.exitCode).toBe(3);
    expect(res.stderr).not.toContain(secret);
  });

  it("names a missing program and how to install it", async () => {
    const err = await runChild("efs-no-such-cli", ["--version"], {
      redactor: new Redactor(),
      installHint: "npm install -g efs-no-such-cli",
    }).catch((e: unknown) => e);
    expect((err as EfsError).code).toBe("MISSING_PROGRAM");
    expect((err as EfsError).message).toBe("efs-no-such-cli is not installed or not on PATH");
    expect((err as EfsError).fix).toContain("npm install -g efs-no-such-cli");
  });

  it("logs the command line redacted for --debug", async () => {
    const lines: string[] = [];
    await runChild(FAKE, ["ls"], {
      redactor: new Redactor(),
      env: { FAKE_ARGV_LOG: argvLog },
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([`$ ${FAKE} ls`]);
  });
});
