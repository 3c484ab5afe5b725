// Values the redactor once choked on — 32 KiB, 60 KiB and 1 MiB secrets, 3,641 × "€" (whose
// URL-encoded form passes 32,768 characters) and other multibyte text — stored in the vault,
// then every command run against it, in human (--debug) and --json mode: no command crashes,
// and no output holds any of those values (the file's leak scan runs after these tests too).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Vault } from "../../src/vault/vault";
import { leafCommands, runEfs, type Sandbox, sandbox } from "../helpers/cli";
import { findLeaks, recordStats, registerSecret } from "../helpers/leak-record";

const hex = (chars: number) =>
  randomBytes(Math.ceil(chars / 2))
    .toString("hex")
    .slice(0, chars);

const PLANTED: Record<string, string> = {
  BIG_32K: hex(32 * 1024),
  BIG_60K: hex(60 * 1024),
  BIG_1M: hex(1024 * 1024),
  BIG_EURO: "€".repeat(3641),
  BIG_MULTIBYTE: `pässwörd-密码-🔥-${"κλειδί-ключ-鍵-".repeat(900)}${hex(16)}`,
  INTERNAL_WEBHOOK_SECRET: hex(64),
  STUDIO_ACCESS_KEY: `studio_${hex(40)}`,
};

// Arguments that make each command read the vault (and fail, if at all, with a clear error).
const ARGS: Record<string, string[]> = {
  "env ls": [],
  "env get": ["BIG_1M"],
  "env set": ["BIG_SET_AGAIN", "--yes"],
  "env import": ["again.json", "--yes"],
  "env export": ["--out", "exported.env"],
  "env push": ["--dry-run"],
  "env status": [],
  "env unset": ["BIG_SET_AGAIN", "--yes"],
  verify: [],
  init: ["--plan"],
  rotate: ["webhook-secret"],
  "vault status": [],
  "vault key": [],
  "vault rebind": [],
  "vault hook install": [],
  doctor: ["--no-webgl"],
  smoke: ["--target", "production"],
  completion: ["bash"],
  down: [],
  logs: [],
};

let box: Sandbox;

let env: Record<string, string>;

beforeAll(async () => {
  box = sandbox();
  execFileSync("git", ["init", "-q", box.project]);
  for (const v of Object.values(PLANTED)) registerSecret(v);
  env = { ...box.env, EFS_VAULT_KEY: registerSecret(hex(64)) };
  // Written directly, so that every command below is the first to meet these values.
  await new Vault({ root: box.project, keys: { env } }).update((d) => {
    for (const [k, v] of Object.entries(PLANTED)) d.set(k, v);
  });
  writeFileSync(join(box.project, "again.json"), JSON.stringify({ BIG_IMPORTED: PLANTED.BIG_60K }));
}, 120_000);
afterAll(() => box?.cleanup());

describe("every command with 32 KiB, 60 KiB, 1 MiB and multibyte secrets in the vault", () => {
  const commands = leafCommands();

  it("covers every command that reads the vault", () => {
    for (const c of Object.keys(ARGS)) expect(commands).toContain(c);
  });

  it.each(commands.flatMap((c) => [[c, "--debug"] as const, [c, "--json"] as const]))(
    "efs %s %s neither crashes nor prints a planted value",
    async (command, mode) => {
      const args = ARGS[command] ?? ["--efs-probe-unknown-option"];
      const r = await runEfs(["--cwd", box.project, ...command.split(" "), ...args, mode], {
        env,
        input: command === "env set" ? PLANTED.BIG_60K : undefined,
        timeoutMs: 120_000,
      });
      const all = r.stdout + r.stderr;
      expect(all).not.toMatch(/Invalid regular expression|SyntaxError|internal error/);
      if (mode === "--json") {
        const envelope = r.json();
        expect(envelope.ok).toBe(r.code === 0);
        expect(envelope.exitCode).toBe(r.code);
      }
      for (const [name, value] of Object.entries(PLANTED))
        expect(all.includes(value), `${name} printed by efs ${command}`).toBe(false);
    },
  );

  it("scanned the output of every run for every planted value", () => {
    const stats = recordStats();
    expect(stats.outputs).toBeGreaterThan(2 * Object.keys(ARGS).length);
    expect(stats.secrets).toBeGreaterThanOrEqual(Object.keys(PLANTED).length);
    expect(findLeaks()).toEqual([]);
  });
});
