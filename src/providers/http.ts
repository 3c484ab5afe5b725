// The one HTTP client every provider client uses: global fetch (so msw can intercept it),
// timeouts, the shared retry policy, and redacted ProviderErrors that carry the fix.
import { Agent } from "undici";
import { interruption, throwIfInterrupted } from "../errors";
import { ProviderError, type ProviderName } from "./errors";
import { type Redact, redactorFor } from "./redact";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
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
  // The longest wait for a rate limit to reset before giving up with a clear error.
  maxRateLimitWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
  // The run's cancel signal (Ctrl-C / SIGTERM): aborts the request in flight and the
  // retry or rate-limit wait, and no request starts once it is aborted.
  signal?: AbortSignal;
}

export interface RetryInfo {
  operation: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

interface RequestOptions<T> {
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
  // Headers of this request only (e.g. Cloudflare's cf-r2-jurisdiction).
  headers?: Record<string, string>;
}

interface HttpResult<T> {
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
  const maxLimitWait = config.maxRateLimitWaitMs ?? 65_000;
  const now = config.now ?? Date.now;

  async function request<T>(
    method: Method,
    path: string,
    opts: RequestOptions<T>,
  ): Promise<HttpResult<T>> {
    const redact = config.redact ?? redactorFor([...config.secrets, ...(opts.secrets ?? [])]);
    const url = buildUrl(config.baseUrl, path, opts.query);
    const headers: Record<string, string> = {
      accept: "application/json",
      ...config.headers,
      ...opts.headers,
    };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    for (let attempt = 1; ; attempt++) {
      throwIfInterrupted(signal);
      let response: Response | undefined;
      let networkError: unknown;
      let data: unknown;
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
        data = parseBody(await response.text());
      } catch (err) {
        networkError = err;
      }
      // Cancelled by the user (while sending or reading the answer): not a network
      // failure, so never retried or looked up.
      if (signal?.aborted) throw interruption(signal);
      const limit = response ? rateLimit(response, data, now()) : undefined;
      const retryable = response
        ? limit !== undefined || RETRY_STATUSES.has(response.status)
        : true;
      if (response && !retryable) return finish<T>(response, data, opts, redact);
      if (response && limit && limit.waitMs > maxLimitWait) {
        return finish<T>(response, data, opts, redact, limit);
      }
      if (attempt >= maxTries) {
        if (response) return finish<T>(response, data, opts, redact, limit);
        throw networkFailure(config.provider, opts, networkError, redact);
      }
      // Refused (rate limit, 503): nothing happened, so even a create is simply retried.
      const refused = limit !== undefined || response?.status === 429 || response?.status === 503;
      if (opts.create && !refused) {
        if (!opts.create.lookup) {
          if (response) return finish<T>(response, data, opts, redact);
          throw networkFailure(config.provider, opts, networkError, redact);
        }
        throwIfInterrupted(signal);
        const found = await opts.create.lookup();
        if (found !== undefined) {
          return { status: 200, data: found, headers: new Headers(), adopted: true };
        }
      }
      const delayMs = limit?.waitMs ?? retryDelay(response, attempt, baseDelay, maxDelay, random);
      const reason = limit
        ? `rate limited (${limit.signal})`
        : response
          ? `HTTP ${response.status}`
          : describeNetwork(networkError);
      config.onRetry?.({ operation: opts.operation, attempt, delayMs, reason: redact(reason) });
      await sleep(delayMs);
    }
  }

  function finish<T>(
    response: Response,
    data: unknown,
    opts: RequestOptions<T>,
    redact: Redact,
    limit?: RateLimit,
  ): HttpResult<T> {
    if (!limit && (response.ok || opts.accept?.includes(response.status))) {
      return { status: response.status, data: data as T, headers: response.headers };
    }
    const parsed = config.parseError(data);
    const fallback = typeof data === "string" && data.length > 0 ? data.slice(0, 200) : undefined;
    const message = parsed.message ?? fallback ?? response.statusText;
    const ambiguous =
      opts.create !== undefined && (response.status === 502 || response.status === 504);
    throw new ProviderError({
      provider: config.provider,
      operation: opts.operation,
      status: response.status,
      code: limit ? "rate_limited" : parsed.code,
      providerMessage: message ? redact(message) : undefined,
      hint: limit
        ? `${config.provider} rate limit reached (${limit.signal}); it resets ${describeReset(limit, now())}: wait until then and run the command again`
        : config.hint?.(response.status, parsed, opts.operation),
      ambiguous,
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

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// Retry-After (seconds or HTTP date) when present, else exponential backoff with full jitter.
function retryDelay(
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
  opts: { operation: string; create?: unknown },
  err: unknown,
  redact: Redact,
): ProviderError {
  return new ProviderError({
    provider,
    operation: opts.operation,
    providerMessage: redact(describeNetwork(err)),
    hint: "check your network connection (or the EFS_*_API_URL override), then run the command again",
    // A create whose answer was lost may have happened.
    ambiguous: opts.create !== undefined,
  });
}

/** A rate limit the answer announces, and how long until it resets. */
interface RateLimit {
  waitMs: number;
  // Which signal said so (for messages): "Retry-After", "x-ratelimit-reset", …
  signal: string;
}

const seconds = (v: string | null | undefined) => {
  const n = v === null || v === undefined || v.trim() === "" ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
};

// The providers' published limit signals. A 429 is always a limit; a 403 is one when
// GitHub says so (x-ratelimit-remaining: 0, or its secondary-limit message). The wait comes
// from, in order: Retry-After (all); x-ratelimit-reset, unix seconds (GitHub, Vercel);
// Vercel's body error.limit.reset / resetMs; Ratelimit-Reset, seconds from now (Render);
// GitHub's "wait at least one minute" for a secondary limit without Retry-After.
function rateLimit(response: Response, body: unknown, now: number): RateLimit | undefined {
  const h = response.headers;
  const message = String(
    (body as { message?: unknown } | undefined)?.message ??
      (body as { error?: { message?: unknown } } | undefined)?.error?.message ??
      "",
  );
  const exhausted = h.get("x-ratelimit-remaining") === "0";
  const secondary = /secondary rate limit/i.test(message);
  const limited = response.status === 429 || (response.status === 403 && (exhausted || secondary));
  if (!limited) return undefined;
  const at = (ms: number, signal: string): RateLimit => ({
    waitMs: Math.max(0, Math.ceil(ms - now)),
    signal,
  });
  const retryAfter = h.get("retry-after");
  if (retryAfter) {
    const secs = seconds(retryAfter);
    if (secs !== undefined) return { waitMs: Math.max(0, secs * 1000), signal: "Retry-After" };
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return at(date, "Retry-After");
  }
  const reset = seconds(h.get("x-ratelimit-reset"));
  if (reset !== undefined && (exhausted || response.status === 429))
    return at(reset * 1000, "x-ratelimit-reset");
  const limit = (body as { error?: { limit?: { reset?: unknown; resetMs?: unknown } } })?.error
    ?.limit;
  if (typeof limit?.resetMs === "number") return at(limit.resetMs, "error.limit.resetMs");
  if (typeof limit?.reset === "number") return at(limit.reset * 1000, "error.limit.reset");
  const delta = seconds(h.get("ratelimit-reset"));
  if (delta !== undefined) return { waitMs: delta * 1000, signal: "Ratelimit-Reset" };
  if (secondary) return { waitMs: 60_000, signal: "secondary rate limit" };
  return undefined;
}

function describeReset(limit: RateLimit, now: number): string {
  const at = new Date(now + limit.waitMs);
  return `in ${Math.ceil(limit.waitMs / 1000)} s (${at.toISOString().slice(11, 19)} UTC)`;
}
