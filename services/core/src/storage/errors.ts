// Structured storage errors: callers branch on `code`, users read `message`.

export type StorageErrorCode =
  | "InvalidKey"
  | "InvalidOption"
  | "NotFound"
  | "InvalidRange"
  | "TooLarge"
  | "LengthMismatch"
  | "Conflict"
  | "Exists";

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
    this.code = code;
  }
}

// True when `err` is a StorageError with the given code.
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}
