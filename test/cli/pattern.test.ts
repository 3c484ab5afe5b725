import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version";
import { efsCommand, REPO, runEfs, runEfsInProcess, type Sandbox, sandbox } from "../helpers/cli";
import { recordOutput } from "../helpers/leak-record";

let box: Sandbox | undefined;
afterEach(() => {
  box?.cleanup();
  box = undefined;
});

const HEAVY = ["@clack", "undici", "libsodium", "@aws-sdk", "puppeteer-core", "@libsql"];

describe("command pattern", () => {
  it("prints help listing the commands and exits 0", async () => {
    const r = await runEfs(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: efs");
    expect(r.stdout).toContain("completion");
    expect(r.stdout).toContain("--json");
  });

  it("loads no heavy module for --help", async () => {
    box = sandbox();
    const trace = join(box.project, "trace.txt");
    const code = await new Promise<number>((resolve, reject) => {
      const c = spawn(
        process.execPath,
        ["--import", join(REPO, "test/fixtures/trace-imports.mjs"), ...efsCommand(), "--help"],
        {
          cwd: REPO,
          env: { ...box!.env, EFS_TRACE_FILE: trace },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      c.stdout.on("data", (d) => (out += d));
      c.stderr.on("data", (d) => (out += d));
      c.on("error", reject);
      c.on("close", (n) => {
        recordOutput("efs --help (traced)", out);
        resolve(n ?? 1);
      });
    });
    expect(code).toBe(0);
    const loaded = readFileSync(trace, "utf8");
    expect(loaded).toMatch(/src\/cli\.ts|bin\/efs\.js/); // the trace works
    for (const heavy of HEAVY)
      expect(loaded, `${heavy} loaded by --help`).not.toContain(`node_modules/${heavy}`);
  });

  it("prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const r = await runEfsInProcess(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it("rejects an unknown command with exit 2 and a fix line", async () => {
    const r = await runEfs(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(r.stderr).toMatch(/fix: run efs --help/);
  });

  it("reports a usage error as a versioned JSON envelope with --json", async () => {
    const r = await runEfsInProcess(["completion", "tcsh", "--json"]);
    expect(r.code).toBe(2);
    const env = r.json();
    expect(env).toMatchObject({ version: 1, command: "completion", ok: false, exitCode: 2 });
    expect(env.error?.message).toContain("tcsh");
    expect(env.error?.fix).toContain("efs completion bash");
  });

  it("rejects a --cwd that is not a directory, naming the flag", async () => {
    const r = await runEfsInProcess(["--cwd", "/nonexistent/efs", "completion", "bash"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--cwd /nonexistent/efs is not a directory");
  });

  it("accepts global flags after the subcommand", async () => {
    const r = await runEfsInProcess(["completion", "fish", "--json", "--no-color"]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      version: 1,
      command: "completion",
      ok: true,
      data: { shell: "fish" },
    });
  });
});

describe("colour", () => {
  it("colours a terminal and turns off with --no-color or NO_COLOR", async () => {
    box = sandbox();
    const { NO_COLOR: _, ...env } = box.env;
    const ESC = "\u001b[";
    const ls = (args: string[], e: Record<string, string>) =>
      runEfsInProcess(["--cwd", box!.project, ...args, "env", "ls"], { env: e, color: true });
    expect((await ls([], env)).stdout).toContain(ESC);
    expect((await ls(["--no-color"], env)).stdout).not.toContain(ESC);
    expect((await ls([], { ...env, NO_COLOR: "1" })).stdout).not.toContain(ESC);
  });
});

describe("efs completion", () => {
  it.each(["bash", "zsh", "fish"])("prints a %s script naming the commands", async (shell) => {
    const r = await runEfsInProcess(["completion", shell]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("completion");
    expect(r.stdout).toMatch(shell === "fish" ? /-l json/ : /--json/);
  });

  it("produces a bash script that completes subcommands", async () => {
    const r = await runEfsInProcess(["completion", "bash"]);
    const script = `${r.stdout}\nCOMP_WORDS=(efs comp); COMP_CWORD=1; _efs; echo "\${COMPREPLY[@]}"`;
    const out = await new Promise<string>((resolve) => {
      const c = spawn("bash", ["-c", script]);
      let s = "";
      c.stdout.on("data", (d) => (s += d));
      c.on("close", () => resolve(s));
    });
    expect(out.trim()).toBe("completion");
  });
});

describe("built entry point (npm run build)", () => {
  it("serves `efs --help` from dist/help.txt, identical to the CLI's own help", async () => {
    const { execFileSync } = await import("node:child_process");
    const { existsSync } = await import("node:fs");
    expect(
      existsSync(join(REPO, "dist/help.txt")),
      "dist/help.txt missing: run npm run build",
    ).toBe(true);
    const fast = execFileSync(process.execPath, [join(REPO, "bin/efs.js"), "--help"], {
      encoding: "utf8",
    });
    const full = execFileSync(process.execPath, [join(REPO, "dist/cli.js"), "--help"], {
      encoding: "utf8",
    });
    const source = await runEfs(["--help"]);
    expect(fast).toBe(full);
    expect(fast).toBe(source.stdout);
  });
});
