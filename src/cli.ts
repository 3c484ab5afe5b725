// Process entry point (bundled to dist/cli.js, started by bin/efs.js): wires the real
// streams and signals to main() and sets the exit code.
import { Interrupt, interruptExitCode } from "./errors";
import { main, reportFatal } from "./main";
import { runCleanups } from "./process-cleanup";

// The AWS SDK warns on every process that Node < 22 will lose support in 2027; efs supports
// Node ≥ 20.9 (docs/cli.md), so the warning is noise on every R2 check. Set before any SDK
// client loads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The one cancel signal of this run: it reaches every provider call, child process and step.
const controller = new AbortController();
let interrupts = 0;

// First Ctrl-C / SIGTERM: cancel the running command, which stops before its next call and
// says what was done (exit 130 / 143); a second one exits at once.
function onSignal(signal: "SIGINT" | "SIGTERM"): void {
  interrupts += 1;
  if (!controller.signal.aborted) controller.abort(new Interrupt(signal));
  process.exitCode = interruptExitCode(controller.signal);
  if (interrupts > 1) process.exit(process.exitCode);
  // If the command does not wind down by itself, leave anyway (cleanups run on exit).
  setTimeout(() => process.exit(process.exitCode), 3000).unref();
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("exit", runCleanups);

// Anything that escapes main() is printed by the same redacting handler, never by Node
// (whose default printout would show the raw message and stack).
function onFatal(e: unknown): void {
  process.exitCode = reportFatal(e, process.stderr);
  process.exit();
}
process.on("uncaughtException", onFatal);
process.on("unhandledRejection", onFatal);

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Lazy: creating process.stdin costs startup time `efs --help` does not need.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
  colorDefault: Boolean(process.stderr.isTTY) || Boolean(process.env.FORCE_COLOR),
  signal: controller.signal,
});
process.exitCode = controller.signal.aborted ? interruptExitCode(controller.signal) : code;
