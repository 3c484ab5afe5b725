// The one HTTP client every provider client uses: global fetch (so msw can intercept it),
// timeouts, the shared retry policy, and redacted ProviderErrors that carry the fix.
import { Agent } from "undici";
import { interruption, throwIfInterrupted } from "../errors";
import { ProviderError, type ProviderName } from "./errors";
import { type Redact, redactorFor } from "./redact";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Query = Record<string, string | number | boolean | undefined>;

export interface ParsedError {
  message?: string;
  code?: string;
}

export interface HttpConfig {
  provider: ProviderName;
  baseUrl: string;
  headers: Record<string, string>;
  // Secret values to mask in every error message (tokens sent, values in bodies).
  secrets: readonly string[];
  parseError: (body: unknown) => ParsedError;
  hint?: (status: number, err: ParsedError, operation: string) => string | undefined;
  redact?: Redact;
  timeoutMs?: number;
  maxTries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
  // The run's cancel signal (Ctrl-C / SIGTERM): aborts the request in flight and the
  // retry wait, and no request starts once it is aborted.
  signal?: AbortSignal;
}

export interface RetryInfo {
  operation: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RequestOptions<T> {
  operation: string;
  query?: Query;
  body?: unknown;
  // Statuses answered without throwing (e.g. 404 for a lookup, 409 for "exists").
  accept?: readonly number[];
  // Set for non-idempotent creates. 429 and 503 mean the request was refused, so they are
  // retried as usual; after an ambiguous failure (502, 504, network, timeout) the resource
  // is looked up first and, when found, returned (adopted) instead of creating a second
  // one. Without a lookup an ambiguous failure is not retried.
  create?: { lookup?: () => Promise<T | undefined> };
  // Secret values this particular request carries (masked in errors too).
  secrets?: readonly string[];
}

export interface HttpResult<T> {
  status: number;
  data: T;
  headers: Headers;
  adopted?: boolean;
}

export interface Http {
  readonly provider: ProviderName;
  request<T>(method: Method, path: string, opts: RequestOptions<T>): Promise<HttpResult<T>>;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

let sharedAgent: Agent | undefined;
function agent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 4_000, connect: { timeout: 10_000 } });
  return sharedAgent;
}

// Creates an HTTP client bound to one provider base URL and credential.
export function createHttp(config: HttpConfig): Http {
  const maxTries = config.maxTries ?? 5;
  const baseDelay = config.baseDelayMs ?? 500;
  const maxDelay = config.maxDelayMs ?? 30_000;
  const signal = config.signal;
  const sleep = config.sleep ?? ((ms) => abortableSleep(ms, signal));
  const random = config.random ?? Math.random;
  const timeoutMs = config.timeoutMs ?? 30_000;

  async function request<T>(
    method: Method,
    path: string,
    opts: RequestOptions<T>,
  ): Promise<HttpResult<T>> {
    const redact = config.redact ?? redactorFor([...config.secrets, ...(opts.secrets ?? [])]);
    const url = buildUrl(config.baseUrl, path, opts.query);
    const headers: Record<string, string> = { accept: "application/json", ...config.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    for (let attempt = 1; ; attempt++) {
      throwIfInterrupted(signal);
      let response: Response | undefined;
      let networkError: unknown;
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        response = await fetch(url, {
          method,
          headers,
          body,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          // @ts-expect-error undici-specific option, honoured by Node's global fetch
          dispatcher: agent(),
        });
      } catch (err) {
        networkError = err;
      }
      // Cancelled by the user: not a network failure, never retried or looked up.
      if (signal?.aborted) {
        await response?.arrayBuffer().catch(() => undefined);
        throw interruption(signal);
      }
      const retryable = response ? RETRY_STATUSES.has(response.status) : true;
      if (response && !retryable) return finish<T>(response, opts, redact);
      if (attempt >= maxTries) {
        if (response) return finish<T>(response, opts, redact);
        throw networkFailure(config.provider, opts.operation, networkError, redact);
      }
      const refused = response?.status === 429 || response?.status === 503;
      if (opts.create && !refused) {
        if (!opts.create.lookup) {
          if (response) return finish<T>(response, opts, redact);
          throw networkFailure(config.provider, opts.operation, networkError, redact);
        }
        throwIfInterrupted(signal);
        const found = await opts.create.lookup();
        if (found !== undefined) {
          await response?.arrayBuffer().catch(() => undefined);
          return { status: 200, data: found, headers: new Headers(), adopted: true };
        }
      }
      const delayMs = retryDelay(response, attempt, baseDelay, maxDelay, random);
      const reason = response ? `HTTP ${response.status}` : describeNetwork(networkError);
      await response?.arrayBuffer().catch(() => undefined);
      config.onRetry?.({ operation: opts.operation, attempt, delayMs, reason: redact(reason) });
      await sleep(delayMs);
    }
  }

  async function finish<T>(
    response: Response,
    opts: RequestOptions<T>,
    redact: Redact,
  ): Promise<HttpResult<T>> {
    const data = await readBody(response);
    if (response.ok || opts.accept?.includes(response.status)) {
      return { status: response.status, data: data as T, headers: response.headers };
    }
    const parsed = config.parseError(data);
    const fallback = typeof data === "string" && data.length > 0 ? data.slice(0, 200) : undefined;
    const message = parsed.message ?? fallback ?? response.statusText;
    throw new ProviderError({
      provider: config.provider,
      operation: opts.operation,
      status: response.status,
      code: parsed.code,
      providerMessage: message ? redact(message) : undefined,
      hint: config.hint?.(response.status, parsed, opts.operation),
    });
  }

  return { provider: config.provider, request };
}

// Waits `ms`, or rejects with the interruption as soon as `signal` aborts.
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interruption(signal));
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(interruption(signal));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function buildUrl(base: string, path: string, query?: Query): string {
  const url = new URL(base.replace(/\/+$/, "") + path);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// Retry-After (seconds or HTTP date) when present, else exponential backoff with full jitter.
export function retryDelay(
  response: Response | undefined,
  attempt: number,
  baseDelay: number,
  maxDelay: number,
  random: () => number,
): number {
  const header = response?.headers.get("retry-after");
  if (header) {
    const secs = Number(header);
    if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, maxDelay);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.min(Math.max(0, at - Date.now()), maxDelay);
  }
  const cap = Math.min(maxDelay, baseDelay * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

function describeNetwork(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError") return "timed out";
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

function networkFailure(
  provider: ProviderName,
  operation: string,
  err: unknown,
  redact: Redact,
): ProviderError {
  return new ProviderError({
    provider,
    operation,
    providerMessage: redact(describeNetwork(err)),
    hint: "check your network connection (or the EFS_*_API_URL override), then run the command again",
  });
}
