// Runs efs the way users do — a real `node` process — or in-process through main() when a
// test needs to script prompts. Every run's stdout/stderr is recorded for the leak scan.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { Command } from "commander";
import { buildProgram, main } from "../../src/main";
import { Redactor } from "../../src/redact";
import type { Prompter } from "../../src/ui/prompter";
import { efsCommand } from "../../test-support/efs-cli";
import { recordOutput } from "./leak-record";

export const REPO = resolve(import.meta.dirname, "../..");
// tsx's loader by absolute URL, so efs can run with any working directory.
export const TSX = import.meta.resolve("tsx");

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly signal?: NodeJS.Signals | null;
  // stdout parsed as the --json envelope (throws if it is not exactly one JSON document).
  json(): JsonEnvelope;
}

export interface JsonEnvelope {
  version: number;
  command: string;
  ok: boolean;
  exitCode: number;
  data?: unknown;
  error?: { message: string; fix?: string; exitCode: number; code: string };
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  // stdin (a Buffer for bytes that are not UTF-8).
  readonly input?: string | Buffer;
  readonly timeoutMs?: number;
  // The test asked for a secret on stdout (--reveal): keep stdout out of the leak record.
  readonly revealsOnStdout?: boolean;
  // Run as this user (a test running as root needs one for permission checks to apply).
  readonly user?: { readonly uid: number; readonly gid: number };
}

// How the real-process runs start efs (shared with the web e2e test).
export { efsCommand };

/** A temp project dir and an isolated HOME/XDG config dir, removed by cleanup(). */
export interface Sandbox {
  readonly project: string;
  readonly home: string;
  readonly configHome: string;
  readonly env: Record<string, string>;
  cleanup(): void;
}

// Creates an isolated project + home; the env carries no token from the developer's shell.
export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "efs-test-"));
  const project = join(root, "project");
  const home = join(root, "home");
  const configHome = join(home, ".config");
  for (const d of [project, configHome]) mkdirSync(d, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    NO_COLOR: "1",
    CI: "true",
    LANG: "C.UTF-8",
  };
  return {
    project,
    home,
    configHome,
    env,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

// Runs `efs <args>` as a child process; resolves when it exits.
export function runEfs(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return spawnEfs(args, options).done;
}

/** A running efs process: signal it through `child`, await `done` for its result. */
export interface SpawnedEfs {
  readonly child: ChildProcess;
  readonly done: Promise<RunResult>;
  // stderr so far (to wait for a progress line).
  stderr(): string;
}

// Starts `efs <args>` as a child process (its output is recorded for the leak scan).
export function spawnEfs(args: readonly string[], options: RunOptions = {}): SpawnedEfs {
  let child!: ChildProcess;
  let stderrSoFar = "";
  const done = new Promise<RunResult>((resolvePromise, reject) => {
    child = spawn(process.execPath, [...efsCommand(), ...args], {
      cwd: options.cwd ?? REPO,
      env: (options.env ?? {
        PATH: process.env.PATH,
        CI: "true",
        NO_COLOR: "1",
      }) as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.user ?? {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      stderrSoFar = stderr;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 45_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const label = `efs ${args.join(" ")}`;
      if (!options.revealsOnStdout) recordOutput(`${label} [stdout]`, stdout);
      recordOutput(`${label} [stderr]`, stderr);
      resolvePromise(result(code ?? 128, stdout, stderr, signal));
    });
    child.stdin?.end(options.input ?? "");
  });
  return { child, done, stderr: () => stderrSoFar };
}

export interface InProcessOptions extends RunOptions {
  readonly prompter?: Prompter;
  // Pretend stdin is a terminal (with a ScriptedPrompter this is an interactive run).
  readonly tty?: boolean;
  readonly signal?: AbortSignal;
  // Pretend stderr is a colour terminal.
  readonly color?: boolean;
}

// Runs `efs <args>` in this process through main() (for scripted prompts).
export async function runEfsInProcess(
  args: readonly string[],
  options: InProcessOptions = {},
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const stdin = Readable.from(options.input === undefined ? [] : [options.input]) as Readable & {
    isTTY?: boolean;
  };
  if (options.tty) stdin.isTTY = true;
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin:
      options.input === undefined && options.tty
        ? Object.assign(new PassThrough(), { isTTY: true })
        : stdin,
    env: { ...(options.env ?? { CI: "true", NO_COLOR: "1" }) },
    cwd: options.cwd ?? REPO,
    colorDefault: options.color === true,
    signal: options.signal ?? new AbortController().signal,
    prompter: options.prompter,
  });
  const label = `efs(in-process) ${args.join(" ")}`;
  if (!options.revealsOnStdout) recordOutput(`${label} [stdout]`, stdout);
  recordOutput(`${label} [stderr]`, stderr);
  return result(code, stdout, stderr, null);
}

function result(
  code: number,
  stdout: string,
  stderr: string,
  signal: NodeJS.Signals | null,
): RunResult {
  return {
    code,
    stdout,
    stderr,
    signal,
    json() {
      const lines = stdout.trim().split("\n");
      if (lines.length !== 1)
        throw new Error(`expected one JSON line on stdout, got ${lines.length}:\n${stdout}`);
      return JSON.parse(lines[0] ?? "") as JsonEnvelope;
    },
  };
}

// Every leaf command of the real program ("env set", "verify", …), built as efs builds it.
export function leafCommands(): string[] {
  const noop = { write: () => true };
  const program = buildProgram(
    {
      stdout: noop,
      stderr: noop,
      stdin: process.stdin,
      env: {},
      cwd: REPO,
      colorDefault: false,
      signal: new AbortController().signal,
    },
    new Redactor(),
    { exitCode: 0, command: "" },
  );
  const out: string[] = [];
  const walk = (c: Command, path: string[]) => {
    for (const sub of c.commands) {
      if (sub.name() === "help") continue;
      const p = [...path, sub.name()];
      if (sub.commands.length === 0) out.push(p.join(" "));
      else walk(sub, p);
    }
  };
  walk(program, []);
  return out;
}
