// Runs a provider CLI: secrets travel by env, stdin or 0600 files — never argv.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
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
  secrets?: readonly string[];
  timeoutMs?: number;
}

// Runs `command args` and returns its output; a missing executable is a ProviderError.
export async function runCli(
  provider: ProviderName,
  command: string,
  args: readonly string[],
  opts: CliRunOptions = {},
): Promise<CliResult> {
  const res = await execa(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    input: opts.input ?? "",
    reject: false,
    timeout: opts.timeoutMs ?? 10 * 60_000,
    stripFinalNewline: false,
  });
  if (res.failed && res.exitCode === undefined) {
    const redact = redactorFor(opts.secrets ?? []);
    const missing = (res as { code?: string }).code === "ENOENT";
    throw new ProviderError({
      provider,
      operation: `run \`${command} ${args[0] ?? ""}\``,
      providerMessage: redact(missing ? `${command} is not installed` : String(res.shortMessage)),
      hint: missing ? installHint(command) : undefined,
    });
  }
  return { stdout: String(res.stdout), stderr: String(res.stderr), exitCode: res.exitCode ?? 1 };
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

// Writes KEY='value' lines to a 0600 file in a private temp dir; returns it and a cleanup.
export async function privateDotenv(
  vars: Record<string, string>,
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "efs-secret-"));
  const path = join(dir, "secret.env");
  const lines = Object.entries(vars).map(([k, v]) => {
    if (/['\r\n]/.test(v)) throw new Error(`${k} contains a quote or newline`);
    return `${k}='${v}'`;
  });
  await writeFile(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
