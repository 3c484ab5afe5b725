// Builds the commander program, runs one command line and turns every outcome into an
// exit code. This is the only place that prints errors.
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands";
import { createContext, type RunState } from "./context";
import { EfsError, EXIT, interruptExitCode, interruption, systemError } from "./errors";
import { ProviderError } from "./providers/errors";
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
      // With --json, help text is kept for the JSON envelope instead of printed.
      writeOut: (s) => (state.captured ? state.captured.push(s) : io.stdout.write(s)),
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

// The redactor and streams of the run in progress, for reportFatal().
let active: ReportOptions | undefined;

// Runs `argv` (without node and script) and returns the process exit code.
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const redactor = new Redactor();
  redactor.addFromEnv(io.env);
  const json = wantsJson(argv);
  const state: RunState = { exitCode: 0, command: "", captured: json ? [] : undefined };
  const options = (command: string): ReportOptions => ({
    io,
    redactor,
    json,
    command,
    debug: argv.includes("--debug"),
    color: io.colorDefault && !io.env.NO_COLOR && !argv.includes("--no-color"),
  });
  active = options("");
  let program: Command | undefined;
  try {
    program = buildProgram(io, redactor, state);
    await program.parseAsync([...argv], { from: "user" });
    return state.exitCode;
  } catch (e) {
    const command = state.command || (program ? commandOf(program, argv) : "");
    if (json && program && isHelpOrVersion(e))
      return printHelpJson(e, program, command, options(command), state);
    return report(e, options(command));
  }
}

// Prints an error that escaped main() (an uncaught exception or rejection), redacted with
// the run's redactor; returns the exit code. Never prints the error when redaction fails.
export function reportFatal(e: unknown, fallbackStderr: { write(s: string): unknown }): number {
  if (active) return report(e, active);
  fallbackStderr.write("error: efs failed before it could start (details withheld)\n");
  return EXIT.error;
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
// Everything printed goes through the redactor, the --debug stack included; if printing
// itself fails, a fixed line is printed instead of anything derived from the error.
function report(e: unknown, o: ReportOptions): number {
  let err: EfsError | null = null;
  try {
    err = toEfsError(e, o.io.signal);
    if (err === null) return EXIT.ok; // --help / --version
    const out = new Output({
      json: o.json,
      color: o.color,
      debug: o.debug,
      redactor: o.redactor,
      stdout: o.io.stdout,
      stderr: o.io.stderr,
    });
    if (o.json) {
      out.envelope({
        version: JSON_VERSION,
        command: o.command,
        ok: false,
        exitCode: err.exitCode,
        error: { message: err.message, fix: err.fix, exitCode: err.exitCode, code: err.code },
      });
    }
    if (err.code === "INTERRUPTED" && !err.fix) {
      o.io.stderr.write(`${o.redactor.redact(err.message)}\n`);
    } else {
      const detail = o.debug && e instanceof Error ? (e.stack ?? undefined) : undefined;
      out.errorBlock(err.message, err.fix, detail);
    }
    return err.exitCode;
  } catch {
    const code = err?.exitCode ?? EXIT.error;
    o.io.stderr.write(
      "error: efs failed and could not print the error safely (details withheld so no secret is printed)\n",
    );
    return code;
  }
}

function isHelpOrVersion(e: unknown): boolean {
  return (
    e instanceof CommanderError &&
    (e.code === "commander.helpDisplayed" || e.code === "commander.version")
  );
}

// `--help --json` / `--version --json`: the help of the command (its text, subcommands and
// options) or the version, as a JSON envelope.
function printHelpJson(
  e: unknown,
  program: Command,
  command: string,
  o: ReportOptions,
  state: RunState,
): number {
  const out = new Output({ ...o, stdout: o.io.stdout, stderr: o.io.stderr });
  let data: Record<string, unknown>;
  if ((e as CommanderError).code === "commander.version") {
    data = { version: VERSION };
  } else {
    let cmd = program;
    for (const name of command ? command.split(" ") : []) {
      cmd = cmd.commands.find((c) => c.name() === name) ?? cmd;
    }
    data = {
      help: (state.captured ?? []).join(""),
      usage: `${command ? `efs ${command}` : "efs"} ${cmd.usage()}`,
      description: cmd.description(),
      commands: cmd.commands
        .filter((c) => c.name() !== "help")
        .map((c) => ({ name: c.name(), description: c.description() })),
      options: cmd.options.map((opt) => ({ flags: opt.flags, description: opt.description })),
    };
  }
  out.envelope({ version: JSON_VERSION, command, ok: true, exitCode: EXIT.ok, data });
  return EXIT.ok;
}

// Maps anything thrown to an EfsError (null for help/version, which are not errors).
function toEfsError(e: unknown, signal: AbortSignal): EfsError | null {
  // After Ctrl-C / SIGTERM whatever was thrown reports the interruption, with its code.
  if (signal.aborted) {
    const inner = e instanceof EfsError ? e : undefined;
    if (inner?.code === "INTERRUPTED" && inner.exitCode === interruptExitCode(signal)) return inner;
    if (inner?.code === "INTERRUPTED")
      return new EfsError(inner.message, {
        fix: inner.fix,
        code: inner.code,
        exitCode: interruptExitCode(signal),
      });
    return interruption(signal, inner?.message, inner?.fix);
  }
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
  if (e instanceof ProviderError) {
    const [first] = e.message.split("\n");
    return new EfsError(first ?? e.message, {
      fix: e.hint ?? "check the provider's status and your credentials, then run the command again",
      code: "PROVIDER_ERROR",
    });
  }
  const system = systemError(e);
  if (system) return system;
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
