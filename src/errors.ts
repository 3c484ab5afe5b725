// Errors every layer can throw; only the entry point (src/cli.ts) prints them and exits.

// Process exit codes, documented in docs/cli.md.
export const EXIT = Object.freeze({
  ok: 0,
  error: 1,
  // Changes pending (a plan was printed but not applied) or a usage error.
  pending: 2,
  usage: 2,
  interrupted: 130,
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

// A missing or malformed argument, flag or answer.
export function usageError(message: string, fix?: string): EfsError {
  return new EfsError(message, { fix, exitCode: EXIT.usage, code: "USAGE" });
}

// Narrows unknown catch values.
export function isEfsError(e: unknown): e is EfsError {
  return e instanceof EfsError;
}
