// Typed job errors: the loop decides retry vs. fail from the class, never from message text.

// A failure the user can act on; the job fails at once with this message.
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}

// A dependency hiccup (network, HTTP 429/5xx): the job is re-queued with backoff.
export class TransientJobError extends Error {
  override readonly name = "TransientJobError";
}

// Raised inside a handler when its AbortSignal fired (cancel, lease lost, shutdown).
export class JobAbortedError extends Error {
  override readonly name = "JobAbortedError";
}

// Node/undici error codes that mean "try again later", not "this input is bad".
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "SQLITE_BUSY",
]);

function codeOf(err: unknown): string | undefined {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") {
    return err.code;
  }
  return undefined;
}

function httpStatusOf(err: unknown): number | undefined {
  if (!err || typeof err !== "object") return undefined;
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  if (meta && typeof meta.httpStatusCode === "number") return meta.httpStatusCode;
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}

// True when an HTTP status from a dependency is worth retrying.
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

// Decides how a thrown error ends a job: retryable or not, and the reason users see.
export function classifyError(err: unknown): { retryable: boolean; reason: string } {
  if (err instanceof PermanentJobError) return { retryable: false, reason: err.message };
  if (err instanceof TransientJobError) return { retryable: true, reason: err.message };
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    const code = codeOf(cur);
    if (code && TRANSIENT_CODES.has(code)) {
      return { retryable: true, reason: `temporary network error (${code})` };
    }
    const status = httpStatusOf(cur);
    if (status !== undefined && isTransientStatus(status)) {
      return { retryable: true, reason: `dependency answered HTTP ${status}` };
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { retryable: false, reason: `internal error: ${message}` };
}
