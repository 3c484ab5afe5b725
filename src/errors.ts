// Errors every layer can throw; only the entry point (src/cli.ts) prints them and exits.
import { dirname } from "node:path";

// Process exit codes, documented in docs/cli.md.
export const EXIT = Object.freeze({
  ok: 0,
  error: 1,
  // Changes pending (a plan was printed but not applied) or a usage error.
  pending: 2,
  usage: 2,
  // Ctrl-C (SIGINT) and SIGTERM: 128 + the signal number, as shells report them.
  interrupted: 130,
  terminated: 143,
});

export interface EfsErrorOptions {
  // The command, flag or env var that fixes it, as one line.
  readonly fix?: string;
  readonly exitCode?: number;
  // Stable machine-readable code for --json consumers (e.g. "VAULT_TAMPERED").
  readonly code?: string;
  readonly cause?: unknown;
}

/** A user-facing failure: `message` says what failed and why, `fix` how to fix it. */
export class EfsError extends Error {
  readonly fix: string | undefined;
  readonly exitCode: number;
  readonly code: string;

  constructor(message: string, options: EfsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EfsError";
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? EXIT.error;
    this.code = options.code ?? "EFS_ERROR";
  }
}

// The user cancelled a prompt or pressed Ctrl-C.
export function interrupted(what = "Cancelled"): EfsError {
  return new EfsError(what, { exitCode: EXIT.interrupted, code: "INTERRUPTED" });
}

/** The abort reason src/cli.ts gives the run's AbortController on SIGINT or SIGTERM. */
export class Interrupt extends Error {
  readonly signal: "SIGINT" | "SIGTERM";
  constructor(signal: "SIGINT" | "SIGTERM") {
    super(`interrupted by ${signal}`);
    this.name = "Interrupt";
    this.signal = signal;
  }
}

// The exit code for an aborted run: 143 after SIGTERM, else 130.
export function interruptExitCode(signal: AbortSignal | undefined): number {
  const reason: unknown = signal?.reason;
  return reason instanceof Interrupt && reason.signal === "SIGTERM"
    ? EXIT.terminated
    : EXIT.interrupted;
}

// The error a command throws once its signal is aborted; `message` says what was done and
// what was not, `fix` how to resume.
export function interruption(
  signal: AbortSignal | undefined,
  message?: string,
  fix?: string,
): EfsError {
  const reason: unknown = signal?.reason;
  const by = reason instanceof Interrupt ? ` (${reason.signal})` : "";
  return new EfsError(message ? `Interrupted${by}: ${message}` : `Interrupted${by}`, {
    exitCode: interruptExitCode(signal),
    code: "INTERRUPTED",
    fix,
  });
}

// Throws the interruption when `signal` is aborted: called before each provider call,
// child process and step, so none starts after Ctrl-C.
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interruption(signal);
}

// True for the error interruption() builds (and for any error thrown after the abort).
export function isInterruption(e: unknown, signal?: AbortSignal): boolean {
  return (e instanceof EfsError && e.code === "INTERRUPTED") || signal?.aborted === true;
}

const PERMISSION_CODES = new Set(["EACCES", "EPERM", "EROFS"]);
const DOING: Record<string, string> = {
  mkdir: "create the folder",
  open: "open",
  rename: "replace",
  unlink: "remove",
  write: "write",
  rmdir: "remove the folder",
  copyfile: "copy to",
};

// A permission (or read-only file system, or disk full) error from the file system, as an
// error naming the path and the fix (`otherFix` offers another way out); null otherwise.
export function systemError(e: unknown, otherFix?: string): EfsError | null {
  const err = e as NodeJS.ErrnoException | null;
  if (!err || typeof err !== "object" || typeof err.code !== "string") return null;
  const path = typeof err.path === "string" ? err.path : undefined;
  if (!path) return null;
  const doing = DOING[err.syscall ?? ""] ?? "use";
  const dir = dirname(path);
  if (err.code === "EROFS") {
    return new EfsError(`Cannot ${doing} ${path}: the file system is read-only`, {
      fix:
        otherFix ??
        "run efs in a writable checkout of the project (or pass --cwd <a writable dir>)",
      code: "READ_ONLY",
    });
  }
  if (PERMISSION_CODES.has(err.code)) {
    return new EfsError(`Cannot ${doing} ${path}: permission denied (${err.code})`, {
      fix: `check who owns ${dir} (ls -ld ${dir}) and make it writable for your user (chmod u+w ${dir}), ${
        otherFix ?? "or run efs in a project directory you own (--cwd)"
      }`,
      code: "PERMISSION_DENIED",
    });
  }
  if (err.code === "ENOSPC") {
    return new EfsError(`Cannot ${doing} ${path}: no space left on the device`, {
      fix: `free some space on the disk holding ${dir}, then run the command again`,
      code: "NO_SPACE",
    });
  }
  return null;
}

// A missing or malformed argument, flag or answer.
export function usageError(message: string, fix?: string): EfsError {
  return new EfsError(message, { fix, exitCode: EXIT.usage, code: "USAGE" });
}

// Narrows unknown catch values.
export function isEfsError(e: unknown): e is EfsError {
  return e instanceof EfsError;
}
