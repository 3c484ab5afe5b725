// Runs a provider CLI through the one runner (@efs/core/proc/run): secrets travel by env,
// stdin or a deleted file's descriptor — never argv — and come back redacted; a CLI that
// cannot run is a ProviderError naming how to install it.
import { ChildError } from "@efs/core/proc/errors";
import { runChild } from "@efs/core/proc/run";
import { throwIfInterrupted } from "../errors";
import { ProviderError, type ProviderName } from "./errors";
import { redactorFor } from "./redact";

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CliRunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  // Read by the CLI as /dev/stdin from a regular file deleted before it starts (`modal
  // secret create --from-json /dev/stdin`).
  stdinFile?: string;
  // Refused in argv; redacted from the output and errors.
  secrets?: readonly string[];
  timeoutMs?: number;
  // Cancels the CLI (its process group gets SIGTERM) and makes runCli throw the
  // interruption; an aborted signal means the CLI is never started.
  signal?: AbortSignal;
}

// Runs `command args` and returns its output; a missing executable is a ProviderError.
export async function runCli(
  provider: ProviderName,
  command: string,
  args: readonly string[],
  opts: CliRunOptions = {},
): Promise<CliResult> {
  throwIfInterrupted(opts.signal);
  try {
    const res = await runChild(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      input: opts.input,
      stdinFile: opts.stdinFile,
      redact: redactorFor(opts.secrets ?? []),
      timeoutMs: opts.timeoutMs ?? 10 * 60_000,
      signal: opts.signal,
    });
    if (res.exitCode === null) {
      // Stopped by the timeout or killed by a signal: it did not answer, unlike a failed run.
      const timeoutS = Math.round((opts.timeoutMs ?? 10 * 60_000) / 1000);
      throw new ProviderError({
        provider,
        operation: `run \`${command} ${args[0] ?? ""}\``,
        providerMessage: res.timedOut
          ? `${command} did not finish within ${timeoutS} s`
          : `${command} was killed by ${res.signal}`,
      });
    }
    return { stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode };
  } catch (e) {
    throwIfInterrupted(opts.signal);
    if (!(e instanceof ChildError) || e.code === "SECRET_IN_ARGV") throw e;
    const missing = e.code === "MISSING_PROGRAM";
    throw new ProviderError({
      provider,
      operation: `run \`${command} ${args[0] ?? ""}\``,
      providerMessage: missing ? `${command} is not installed` : e.message,
      hint: missing ? installHint(command) : undefined,
    });
  }
}

// Throws a ProviderError carrying the CLI's own `Error: …` line, redacted.
export function cliFailure(
  provider: ProviderName,
  operation: string,
  res: CliResult,
  secrets: readonly string[] = [],
  hint?: string,
): ProviderError {
  const redact = redactorFor(secrets);
  const text = (res.stderr.trim() || res.stdout.trim()).split("\n").slice(-3).join(" ");
  return new ProviderError({
    provider,
    operation: `${operation} (exit ${res.exitCode})`,
    providerMessage: redact(text.replace(/^Error:\s*/, "")),
    hint,
  });
}

function installHint(command: string): string {
  switch (command) {
    case "turso":
      return "install it: curl -sSfL https://get.tur.so/install.sh | bash";
    case "vercel":
      return "install it: npm i -g vercel@58.10.0";
    case "modal":
      return "install it: pip install modal (then `modal token new`, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET)";
    default:
      return `install ${command} and make sure it is on PATH`;
  }
}
