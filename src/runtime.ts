// Everything a handler needs from the outside world, built once per command run from the
// global flags: the project directory, env, output, prompter, redactor and cancel signal.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { EfsError, EXIT } from "./errors";
import type { Redactor } from "./redact";
import { Output, type TextSink } from "./ui/output";
import { canPrompt, createPrompter, type Prompter } from "./ui/prompter";

/** The global flags, parsed once. */
export interface Globals {
  readonly json: boolean;
  readonly yes: boolean;
  readonly debug: boolean;
  readonly color: boolean;
  // --cwd, resolved to an absolute path (defaults to the process cwd).
  readonly cwd: string;
}

/** The process boundary: real streams in bin/efs.js, captured ones in tests. */
export interface Io {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: Readable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  // Whether colour is on unless --no-color / NO_COLOR turn it off.
  readonly colorDefault: boolean;
  readonly signal: AbortSignal;
  // Replaces the prompter (tests script answers with ScriptedPrompter).
  readonly prompter?: Prompter;
}

/** Passed to every handler. */
export interface Runtime {
  readonly command: string;
  readonly globals: Globals;
  readonly cwd: string;
  readonly env: Readonly<NodeJS.ProcessEnv>;
  readonly out: Output;
  readonly prompter: Prompter;
  readonly redactor: Redactor;
  readonly signal: AbortSignal;
  readonly stdin: Readable & { isTTY?: boolean };
}

/** What a handler returns; `data` becomes the --json envelope's `data`. */
export interface CommandResult {
  readonly data?: unknown;
  // 0 (default) or EXIT.pending when changes were planned but not applied.
  readonly exitCode?: number;
  // The user asked for secret values (--reveal): do not redact `data`.
  readonly reveal?: boolean;
}

// Parses raw commander option values into Globals, validating --cwd.
export function parseGlobals(raw: Record<string, unknown>, io: Io): Globals {
  const noColorEnv = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  const cwd = resolve(io.cwd, typeof raw.cwd === "string" ? raw.cwd : ".");
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new EfsError(`--cwd ${cwd} is not a directory`, {
      fix: "pass --cwd <dir> pointing at your project (or omit it to use the current directory)",
      exitCode: EXIT.usage,
      code: "USAGE",
    });
  }
  return Object.freeze({
    json: raw.json === true,
    yes: raw.yes === true,
    debug: raw.debug === true || io.env.EFS_DEBUG === "1",
    color: raw.color !== false && !noColorEnv && io.colorDefault,
    cwd,
  });
}

// Builds the runtime for one command run.
export function createRuntime(
  command: string,
  globals: Globals,
  io: Io,
  redactor: Redactor,
): Runtime {
  const out = new Output({
    json: globals.json,
    color: globals.color,
    debug: globals.debug,
    redactor,
    stdout: io.stdout,
    stderr: io.stderr,
  });
  const prompter =
    io.prompter ??
    createPrompter({
      interactive: canPrompt(io.stdin, io.env),
      yes: globals.yes,
      stderr: { write: (s: string) => io.stderr.write(redactor.redact(s)) },
      signal: io.signal,
      quiet: globals.json,
    });
  return Object.freeze({
    command,
    globals,
    cwd: globals.cwd,
    env: Object.freeze({ ...io.env }),
    out,
    prompter,
    redactor,
    signal: io.signal,
    stdin: io.stdin,
  });
}
