// Retry delay after a failed or abandoned attempt: base · 2^(attempt-1), capped.
// The same formula runs inside SQL (sql/fail.ts, sql/reap.ts); this is its reference.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 2_000, maxMs: 300_000 });

// Delay before the next attempt after `attempts` attempts have been made (1-based).
export function backoffMs(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exp = Math.min(Math.max(attempts - 1, 0), 40);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exp);
}

// The SQL expression for backoffMs over the row's `attempts`, with :base_ms and :max_ms bound.
export const BACKOFF_SQL = "MIN(:max_ms, :base_ms * (1 << MIN(MAX(attempts - 1, 0), 40)))";
