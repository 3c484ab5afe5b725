// Interactive runs in a real pseudo-terminal (driven by test/fixtures/pty-drive.py):
// the clack prompt is shown, a typed value is stored, Ctrl-C exits 130.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { efsCommand, REPO, type Sandbox, sandbox } from "../helpers/cli";
import { recordOutput, testToken } from "../helpers/leak-record";

let box: Sandbox;
afterEach(() => box?.cleanup());

function inPty(args: string[], keys: string[]): Promise<{ code: number; output: string }> {
  const { CI: _ci, ...env } = box.env;
  const spec = {
    argv: [process.execPath, ...efsCommand(), ...args],
    env: { ...env, TERM: "xterm" },
    cwd: box.project,
    keys,
    waitFor: "TURSO_AUTH_TOKEN",
  };
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      [join(REPO, "test/fixtures/pty-drive.py"), JSON.stringify(spec)],
      { timeout: 60_000 },
      (err, stdout) => {
        if (err) return reject(err);
        const r = JSON.parse(stdout) as { code: number; output: string };
        recordOutput(`pty efs ${args.join(" ")}`, r.output);
        resolve(r);
      },
    );
  });
}

describe("efs in a terminal", () => {
  it("prompts for a value with a hidden input and stores it", async () => {
    box = sandbox();
    const tok = testToken("tty_");
    const r = await inPty(["env", "set", "TURSO_AUTH_TOKEN"], [tok, "\r"]);
    expect(r.code).toBe(0);
    expect(r.output).toContain("Value for TURSO_AUTH_TOKEN");
    expect(r.output).toContain("TURSO_AUTH_TOKEN created");
    expect(r.output).not.toContain(tok); // masked while typing, redacted after
  });

  it("exits 130 with nothing stored when Ctrl-C is pressed at the prompt", async () => {
    box = sandbox();
    const r = await inPty(["env", "set", "TURSO_AUTH_TOKEN"], ["\x03"]);
    expect(r.code).toBe(130);
    expect(r.output).toContain("Cancelled");
    const ls = await inPty(["env", "ls", "--json"], []);
    expect(ls.output).toContain('"exists":false');
  });
});
