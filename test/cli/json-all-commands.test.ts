// Runs every registered command with --json against a populated vault: the output is one
// versioned JSON document and contains no vault value. Ends with the file's leak scan.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLock } from "../../src/vault/lock";
import { efsCommand, leafCommands, runEfs, type Sandbox, sandbox } from "../helpers/cli";
import {
  findLeaks,
  recordOutput,
  recordStats,
  registerSecret,
  testSecret,
  testToken,
} from "../helpers/leak-record";

let box: Sandbox;
const values: string[] = [];

// Arguments that make each of this module's commands do real work (must succeed).
const ARGS: Record<string, string[]> = {
  "env ls": [],
  "env get": ["INTERNAL_WEBHOOK_SECRET"],
  "env set": ["TURSO_AUTH_TOKEN", "--yes"],
  "env unset": ["MODAL_AUTH_TOKEN", "--yes"],
  "env import": ["extra.env"],
  "env export": ["--out", "exported.env"],
  "vault status": [],
  "vault key": [],
  "vault hook install": [],
  doctor: ["--no-webgl"],
  completion: ["bash"],
};
// Other modules' commands that are safe to run for real here (nothing running, no tokens);
// any other command gets an unknown option, so it must answer with a JSON usage error
// without doing anything (e.g. `efs up` would start the studio).
const SAFE_OTHERS: Record<string, string[]> = { down: [], logs: [] };
const PROBE = ["--efs-json-probe"];

beforeAll(async () => {
  box = sandbox();
  execFileSync("git", ["init", "-q", box.project]);
  writeFileSync(join(box.project, ".gitignore"), ".efs/\n*.env\n");
  const bucket = `efs-${randomBytes(6).toString("hex")}`;
  const seed: Record<string, string> = {
    INTERNAL_WEBHOOK_SECRET: testSecret(64),
    MODAL_AUTH_TOKEN: testToken("modal_"),
    R2_SECRET_ACCESS_KEY: testSecret(64),
    R2_BUCKET_NAME: registerSecret(bucket),
    TURSO_DATABASE_URL: registerSecret(`libsql://${bucket}-db.turso.io`),
  };
  writeFileSync(
    join(box.project, "seed.env"),
    Object.entries(seed)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n"),
  );
  const imp = await runEfs(["--cwd", box.project, "env", "import", "seed.env"], { env: box.env });
  expect(imp.code).toBe(0);
  writeFileSync(join(box.project, "extra.env"), `R2_ACCESS_KEY_ID=${testToken("ak")}\n`);
  values.push(...Object.values(seed));
}, 120_000);
afterAll(() => box?.cleanup());

describe("every command with --json", () => {
  const commands = leafCommands();

  it("covers the commands this module declares", () => {
    for (const c of Object.keys(ARGS)) expect(commands).toContain(c);
  });

  it.each(commands)(
    "efs %s --json prints one versioned JSON document without vault values",
    async (command) => {
      const args = ARGS[command] ?? SAFE_OTHERS[command] ?? PROBE;
      const input = command === "env set" ? testToken("new_") : undefined;
      const r = await runEfs(["--cwd", box.project, ...command.split(" "), ...args, "--json"], {
        env: box.env,
        input,
        timeoutMs: 90_000,
      });
      const envelope = r.json();
      expect(envelope.version).toBe(1);
      expect(envelope.command).toBe(command);
      if (command in ARGS)
        expect({ command, ok: envelope.ok, error: envelope.error }).toEqual({
          command,
          ok: true,
          error: undefined,
        });
      for (const v of values) {
        expect(r.stdout).not.toContain(v);
        expect(r.stderr).not.toContain(v);
      }
    },
  );
});

describe("Ctrl-C", () => {
  it("exits 130 cleanly while waiting for the vault lock, leaving the holder's lock alone", async () => {
    const release = await acquireLock(join(box.project, ".efs/vault.json.lock"));
    try {
      const child = spawn(
        process.execPath,
        [...efsCommand(), "--cwd", box.project, "--debug", "env", "set", "R2_ACCOUNT_ID", "--yes"],
        {
          env: box.env,
          stdio: ["pipe", "pipe", "pipe"],
        },
      );
      child.stdin.end("0123456789abcdef0123456789abcdef");
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      // The command runs (its signal handlers are installed) once it logs its debug line;
      // then it reads stdin and waits for the lock.
      const deadline = Date.now() + 30_000;
      while (!stderr.includes("debug: command: env set") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1000));
      child.kill("SIGINT");
      const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
      recordOutput("efs env set (SIGINT) [stderr]", stderr);
      expect(code).toBe(130);
      expect(stderr.trim().split("\n").at(-1)).toBe(
        `Interrupted (SIGINT): while waiting for the lock ${join(box.project, ".efs/vault.json.lock")}; nothing was written`,
      );
    } finally {
      release();
    }
  });
});

describe("secret leak scan", () => {
  it("finds a planted secret (the scan can fail)", () => {
    const canary = testSecret(32);
    expect(findLeaks([{ label: "planted", text: `oops ${canary}` }]).map((l) => l.label)).toEqual([
      "planted",
    ]);
    expect(findLeaks()).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ label: "planted" })]),
    );
  });

  it("finds no secret value in any output efs produced in this file", () => {
    const stats = recordStats();
    expect(stats.outputs).toBeGreaterThan(12);
    expect(stats.secrets).toBeGreaterThan(5);
    expect(findLeaks()).toEqual([]);
  });
});
