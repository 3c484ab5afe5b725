// Process entry point (bundled to dist/cli.js, started by bin/efs.js): wires the real
// streams and signals to main() and sets the exit code.
import { main } from "./main";
import { runCleanups } from "./process-cleanup";

const controller = new AbortController();
let interrupts = 0;

// First Ctrl-C: cancel the running command cleanly (exit 130); second: exit at once.
function onSignal(signal: NodeJS.Signals): void {
  interrupts += 1;
  runCleanups();
  process.exitCode = signal === "SIGINT" ? 130 : 143;
  if (interrupts > 1) process.exit(process.exitCode);
  controller.abort(new Error("interrupted"));
  // If the command does not wind down by itself, leave anyway.
  setTimeout(() => process.exit(process.exitCode), 3000).unref();
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("exit", runCleanups);

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
if (controller.signal.aborted) process.exitCode = 130;
else process.exitCode = code;
