// Structured provider errors: what failed, the provider's own message, and the fix.

export type ProviderName = "cloudflare" | "turso" | "vercel" | "render" | "github" | "modal";

export interface ProviderErrorInit {
  provider: ProviderName;
  operation: string;
  status?: number;
  code?: string;
  providerMessage?: string;
  hint?: string;
  cause?: unknown;
  // A create whose answer was lost (network error, 502, 504): it may have happened.
  ambiguous?: boolean;
}

// An error from a provider call; `message` is one line safe to print (already redacted).
export class ProviderError extends Error {
  readonly provider: ProviderName;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly providerMessage: string | undefined;
  readonly hint: string | undefined;
  readonly ambiguous: boolean;

  constructor(init: ProviderErrorInit) {
    const status = init.status === undefined ? "" : ` (HTTP ${init.status})`;
    const said = init.providerMessage ? `: ${init.providerMessage}` : "";
    const fix = init.hint ? `\n  Fix: ${init.hint}` : "";
    super(`${init.provider}: ${init.operation} failed${status}${said}${fix}`, {
      cause: init.cause,
    });
    this.name = "ProviderError";
    this.provider = init.provider;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.providerMessage = init.providerMessage;
    this.hint = init.hint;
    this.ambiguous = init.ambiguous === true;
  }
}

// True when `err` is a ProviderError with one of the given HTTP statuses.
export function hasStatus(err: unknown, ...statuses: number[]): err is ProviderError {
  return err instanceof ProviderError && err.status !== undefined && statuses.includes(err.status);
}
