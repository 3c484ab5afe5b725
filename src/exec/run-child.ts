// Runs a program for a command (apt-get, a provider CLI) through the one runner
// (@efs/core/proc/run), fed with the command's Redactor: secrets go on stdin or into 0600
// temp files, never argv, and the child's stdout/stderr come back redacted, including when
// streamed through (--debug, progress). Failures to run become EfsErrors that say the fix.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildError } from "@efs/core/proc/errors";
import { runChild as runProgram } from "@efs/core/proc/run";
import { EfsError } from "../errors";
import { onCleanup } from "../process-cleanup";
import type { Redactor } from "../redact";
import type { TextSink } from "../ui/output";

export interface RunChildOptions {
  // The process redactor (rt.redactor); every secret given here is added to it.
  readonly redactor: Redactor;
  // Variables added to the inherited environment (a value undefined removes it).
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  // A secret written to the child's stdin (then stdin is closed).
  readonly stdinSecret?: string;
  // Non-secret stdin text.
  readonly input?: string;
  // Secrets the child reads from files: `{{file:NAME}}` in args becomes the path of a
  // 0600 temp file holding secretFiles.NAME, deleted when the child exits.
  readonly secretFiles?: Readonly<Record<string, string>>;
  // Stream the child's stdout/stderr, redacted line by line, to this sink.
  readonly passthrough?: TextSink;
  // Called with the redacted command line before it runs (for --debug logs).
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  // How to install the program when it is missing, e.g. "npm install -g vercel".
  readonly installHint?: string;
}

/** The outcome, with stdout/stderr already redacted. */
export interface ChildResult {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

const FILE_REF = /\{\{file:([A-Za-z0-9_-]+)\}\}/g;

// Runs `cmd args` and resolves with its redacted result (a non-zero exit is not thrown).
export async function runChild(
  cmd: string,
  args: readonly string[],
  options: RunChildOptions,
): Promise<ChildResult> {
  const r = options.redactor;
  if (options.stdinSecret !== undefined) r.add(options.stdinSecret, `${cmd} stdin`);
  for (const [name, content] of Object.entries(options.secretFiles ?? {})) r.add(content, name);
  const redact = (t: string) => r.redact(t);
  const { argv, cleanup } = materialiseFiles(args, options.secretFiles ?? {});
  const unregister = onCleanup(cleanup);
  const display = [cmd, ...args].join(" ");
  options.log?.(`$ ${redact(display)}`);
  const sink = options.passthrough;
  try {
    const res = await runProgram(cmd, argv, {
      cwd: options.cwd,
      env: options.env,
      input: options.stdinSecret ?? options.input ?? "",
      redact,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      onLine: sink && ((line) => sink.write(`${line}\n`)),
    });
    return {
      command: redact(display),
      exitCode: res.exitCode ?? (res.timedOut ? 124 : 1),
      stdout: res.stdout,
      stderr: res.stderr,
      timedOut: res.timedOut,
    };
  } catch (e) {
    if (!(e instanceof ChildError)) throw e;
    if (e.code === "SECRET_IN_ARGV") {
      throw new EfsError(e.message, {
        fix: "pass the secret with stdinSecret or secretFiles (this is a bug in efs; please report it)",
        code: "SECRET_IN_ARGV",
      });
    }
    if (e.code === "MISSING_PROGRAM") {
      throw new EfsError(`${cmd} is not installed or not on PATH`, {
        fix: options.installHint
          ? `install it: ${options.installHint} (or run efs doctor)`
          : "install it, then run efs doctor",
        code: "MISSING_PROGRAM",
      });
    }
    if (e.code === "ABORTED") {
      throw new EfsError(`Interrupted while running ${cmd}`, {
        exitCode: 130,
        code: "INTERRUPTED",
      });
    }
    throw new EfsError(e.message, { fix: "check the program and its folder, then retry" });
  } finally {
    unregister();
    cleanup();
  }
}

function materialiseFiles(
  args: readonly string[],
  files: Readonly<Record<string, string>>,
): { argv: string[]; cleanup: () => void } {
  const names = new Set<string>();
  for (const a of args) for (const m of a.matchAll(FILE_REF)) names.add(m[1] ?? "");
  if (names.size === 0) return { argv: [...args], cleanup: () => {} };
  // Named with our pid, so a later efs can tell a live dir from one a killed efs left.
  const dir = mkdtempSync(join(tmpdir(), `efs-secret-${process.pid}-`));
  const paths = new Map<string, string>();
  for (const name of names) {
    const content = files[name];
    if (content === undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`runChild: {{file:${name}}} has no entry in secretFiles`);
    }
    const p = join(dir, `${name}-${randomBytes(4).toString("hex")}`);
    writeFileSync(p, content, { mode: 0o600, flag: "wx" });
    paths.set(name, p);
  }
  return {
    argv: args.map((a) => a.replace(FILE_REF, (_m, n: string) => paths.get(n) ?? "")),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
