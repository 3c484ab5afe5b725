// Runs a provider CLI: secrets travel by env, stdin or a deleted file's descriptor — never
// argv, and never a file that outlives the process.
import { mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type Options } from "execa";
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
  // A descriptor to give the child as stdin (see secretStdin); closed after the run.
  stdinFd?: number;
  secrets?: readonly string[];
  timeoutMs?: number;
  // Cancels the child (SIGTERM) and makes runCli throw the interruption; an aborted signal
  // means the child is never started.
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
  // execa's types list only descriptors 3-9; any open descriptor works, as with spawn.
  const stdin =
    opts.stdinFd === undefined
      ? { input: opts.input ?? "" }
      : ({ stdin: opts.stdinFd } as unknown as Options);
  const res = await execa(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    ...stdin,
    reject: false,
    timeout: opts.timeoutMs ?? 10 * 60_000,
    stripFinalNewline: false,
    cancelSignal: opts.signal,
  });
  throwIfInterrupted(opts.signal);
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

const SECRET_DIR_PREFIX = "efs-secret-";
// A secret dir of an efs that no longer runs: created by a dead pid, or (from efs versions
// that did not record the pid) older than this.
const LEGACY_SECRET_DIR_AGE_MS = 10 * 60_000;

// Opens `content` as a read-only descriptor of a file that is already deleted: the child
// reads it as /dev/stdin (a regular file, as `modal secret create --from-json` requires,
// unlike a pipe), and nothing is left on disk once the descriptors close — kill -9 included.
export function secretStdin(content: string): number {
  sweepSecretDirs();
  const dir = mkdtempSync(join(tmpdir(), `${SECRET_DIR_PREFIX}${process.pid}-`));
  try {
    const path = join(dir, "secret");
    writeFileSync(path, content, { mode: 0o600, flag: "wx" });
    return openSync(path, "r");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Removes secret dirs that an efs killed before it could clean up left in $TMPDIR.
function sweepSecretDirs(now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(SECRET_DIR_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const path = join(tmpdir(), name);
    try {
      const st = statSync(path);
      if (!st.isDirectory() || st.uid !== process.getuid?.()) continue;
      const pid = Number(/^efs-secret-(\d+)-/.exec(name)?.[1]);
      const dead = pid > 0 ? !alive(pid) : now - st.mtimeMs > LEGACY_SECRET_DIR_AGE_MS;
      if (!dead) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone already, or not ours
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
