// What the child-process runner (./run.ts) throws. No imports, so the CLI's error printer
// can recognise these without loading the runner.

/** Why a program did not run to the end. */
export type ChildErrorCode =
  // An argument holds a secret: refused before anything started.
  | "SECRET_IN_ARGV"
  // The program is not installed, or not on PATH.
  | "MISSING_PROGRAM"
  // The program exists but could not be started (not executable, bad cwd, …).
  | "SPAWN_FAILED"
  // The caller's AbortSignal fired: never started, or stopped with its process group.
  | "ABORTED"
  // It ran and failed: a non-zero exit or a signal (thrown only with `reject: true`).
  | "EXIT"
  // It ran past `timeoutMs` and was stopped with its process group (only with `reject: true`).
  | "TIMEOUT";

/** A program that could not run, was stopped, or (with `reject: true`) failed. */
export class ChildError extends Error {
  override readonly name = "ChildError";
  readonly code: ChildErrorCode;
  // The program as invoked (its first word), redacted.
  readonly program: string;
  // How to install a missing program, as the caller gave it.
  readonly installHint: string | undefined;
  // The exit code (null when it was killed by a signal or never ran).
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  // The last lines of its stderr (redacted), for messages that say why.
  readonly stderrTail: string;

  constructor(
    code: ChildErrorCode,
    message: string,
    details: {
      program: string;
      installHint?: string;
      exitCode?: number | null;
      stderrTail?: string;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.program = details.program;
    this.installHint = details.installHint;
    this.exitCode = details.exitCode ?? null;
    this.timedOut = code === "TIMEOUT";
    this.stderrTail = details.stderrTail ?? "";
  }

  // True when the program ran and failed (exit, signal or timeout), i.e. its input or its
  // own work was the problem, not whether it could be started.
  get ranAndFailed(): boolean {
    return this.code === "EXIT" || this.code === "TIMEOUT";
  }
}
