// Builds the commander program, runs one command line and turns every outcome into an
// exit code. This is the only place that prints errors.
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands";
import { createContext, type RunState } from "./context";
import { EfsError, EXIT } from "./errors";
import { Redactor } from "./redact";
import type { Io } from "./runtime";
import { JSON_VERSION, Output } from "./ui/output";
import { VERSION } from "./version";

const HELP_WIDTH = 80;

// Declares the program and its global options, then every command's flags.
export function buildProgram(io: Io, redactor: Redactor, state: RunState): Command {
  const program = new Command("efs")
    .description("Provision and operate the Ethereal Flame Studio stack")
    .version(VERSION, "-V, --version", "print the efs version")
    .option("--json", "print one versioned JSON document on stdout")
    .option("-y, --yes", "answer yes to confirmations (needed in CI for destructive steps)")
    .option("--cwd <dir>", "project directory (default: current directory)")
    .option("--debug", "print debug logs on stderr (secrets stay redacted)")
    .option("--no-color", "disable colours (also NO_COLOR=1)")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // A fixed width keeps `efs --help` identical everywhere, so the build can cache it
      // in dist/help.txt for bin/efs.js's fast path.
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      // Usage errors are printed by main() like every other error.
      outputError: () => {},
    });
  const ctx = createContext(program, io, redactor, state);
  for (const register of COMMANDS) register(program, ctx);
  // Subcommands inherit exit override and output settings.
  for (const c of walk(program)) {
    c.exitOverride().configureOutput(program.configureOutput()).showSuggestionAfterError(true);
  }
  return program;
}

function* walk(cmd: Command): Generator<Command> {
  for (const c of cmd.commands) {
    yield c;
    yield* walk(c);
  }
}

// Runs `argv` (without node and script) and returns the process exit code.
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const redactor = new Redactor();
  redactor.addFromEnv(io.env);
  const state: RunState = { exitCode: 0, command: "" };
  const json = wantsJson(argv);
  let program: Command | undefined;
  try {
    program = buildProgram(io, redactor, state);
    await program.parseAsync([...argv], { from: "user" });
    return state.exitCode;
  } catch (e) {
    return report(e, {
      io,
      redactor,
      json,
      command: state.command || (program ? commandOf(program, argv) : ""),
      debug: argv.includes("--debug"),
      color: io.colorDefault && !io.env.NO_COLOR && !argv.includes("--no-color"),
    });
  }
}

interface ReportOptions {
  readonly io: Io;
  readonly redactor: Redactor;
  readonly json: boolean;
  readonly command: string;
  readonly debug: boolean;
  readonly color: boolean;
}

// Prints an error (human on stderr; with --json also the envelope on stdout) → exit code.
function report(e: unknown, o: ReportOptions): number {
  const out = new Output({
    json: o.json,
    color: o.color,
    debug: o.debug,
    redactor: o.redactor,
    stdout: o.io.stdout,
    stderr: o.io.stderr,
  });
  const err = toEfsError(e, o.io.signal);
  if (err === null) return 0; // --help / --version
  if (o.json) {
    out.envelope({
      version: JSON_VERSION,
      command: o.command,
      ok: false,
      exitCode: err.exitCode,
      error: { message: err.message, fix: err.fix, exitCode: err.exitCode, code: err.code },
    });
  }
  if (err.exitCode === EXIT.interrupted) {
    o.io.stderr.write(`${o.redactor.redact(err.message)}\n`);
  } else {
    const detail = o.debug && e instanceof Error ? (e.stack ?? undefined) : undefined;
    out.errorBlock(err.message, err.fix, detail);
  }
  return err.exitCode;
}

// Maps anything thrown to an EfsError (null for help/version, which are not errors).
function toEfsError(e: unknown, signal: AbortSignal): EfsError | null {
  if (e instanceof EfsError) return e;
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return null;
    if (e.code === "commander.help" || e.code === "commander.executeSubCommandAsync") {
      return new EfsError("a subcommand is required", {
        fix: "run efs --help to list commands",
        exitCode: EXIT.usage,
        code: "USAGE",
      });
    }
    return new EfsError(e.message.replace(/^error: /, ""), {
      fix: "run efs --help (or efs <command> --help) for usage",
      exitCode: EXIT.usage,
      code: "USAGE",
    });
  }
  if (signal.aborted)
    return new EfsError("Interrupted", { exitCode: EXIT.interrupted, code: "INTERRUPTED" });
  const message = e instanceof Error ? e.message : String(e);
  return new EfsError(`internal error: ${message}`, {
    fix: "rerun with --debug for the stack trace and report it at https://github.com/ethereal-flame-studio/efs/issues",
    exitCode: EXIT.error,
    code: "INTERNAL",
  });
}

function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

// The command path named by argv (for errors raised before an action ran).
function commandOf(program: Command, argv: readonly string[]): string {
  const path: string[] = [];
  let cmd = program;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") break;
    if (a === "--cwd") i++;
    if (a.startsWith("-")) continue;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    path.push(sub.name());
    cmd = sub;
  }
  return path.join(" ");
}
