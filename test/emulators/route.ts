// One wrapper for every emulated endpoint: call log, fault injection, error shapes, and the
// check of every request and answer against the provider's published description.
import { HttpResponse, type HttpResponseResolver, http, type PathParams } from "msw";
import { descriptionOf } from "./published";
import type { OperationCheck } from "./published/types";
import type { EmulatorState, Provider } from "./state";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface Ctx {
  request: Request;
  params: PathParams;
  url: URL;
  json: () => Promise<unknown>;
}

// Codes for the statuses the fault injection answers (the description requires ≥ 1000).
const CLOUDFLARE_CODES: Record<number, number> = { 429: 10000, 502: 10000, 503: 10000, 504: 10000 };

// The provider's own error body for a status and message.
export function errorBody(
  provider: Provider,
  status: number,
  message: string,
  code?: string | number,
) {
  switch (provider) {
    case "cloudflare":
      // The description requires codes ≥ 1000; injected faults use 10000.
      return {
        success: false,
        errors: [{ code: code ?? CLOUDFLARE_CODES[status] ?? 10000, message }],
        messages: [],
        result: null,
      };
    case "turso":
      return code ? { error: message, code } : { error: message };
    case "vercel":
      return { error: { code: code ?? (status === 429 ? "rate_limited" : "error"), message } };
    case "render":
      return { id: String(code ?? status), message };
    case "github":
      return { message, documentation_url: "https://docs.github.com/rest" };
  }
}

// An error response in the provider's shape.
export function fail(
  provider: Provider,
  status: number,
  message: string,
  code?: string | number,
  headers?: Record<string, string>,
) {
  return HttpResponse.json(errorBody(provider, status, message, code), { status, headers });
}

function pickFault(state: EmulatorState, provider: Provider, method: string, path: string) {
  const i = state.faults.script.findIndex(
    (f) =>
      f.times > 0 &&
      (!f.provider || f.provider === provider) &&
      (!f.method || f.method.toUpperCase() === method) &&
      f.path.test(path),
  );
  if (i >= 0) {
    const f = state.faults.script[i]!;
    f.times--;
    return {
      status: f.status,
      retryAfter: f.retryAfter,
      afterProcessing: f.afterProcessing === true,
    };
  }
  if (state.faults.rate > 0 && state.random() < state.faults.rate) {
    const list = state.faults.statuses;
    const status = list[Math.floor(state.random() * list.length)] ?? 503;
    return { status, retryAfter: state.faults.retryAfter, afterProcessing: false };
  }
  return undefined;
}

export interface RouteOptions {
  // Why this endpoint is outside the provider's API description (e.g. a deploy hook URL);
  // only such endpoints skip the check.
  undocumented?: string;
}

// Declares an emulated endpoint `path` (msw syntax, `:param`) under `base`; `handler`
// returns the provider's response. Every request and response is checked against the
// provider's published description; what falls outside it is recorded in
// `state.violations` (tests fail on any) and answered with HTTP 500 instead.
export function route(
  state: EmulatorState,
  provider: Provider,
  method: Method,
  base: string,
  path: string,
  handler: (ctx: Ctx) => Response | Promise<Response>,
  opts: RouteOptions = {},
) {
  const m = method.toUpperCase();
  const names = [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((x) => x[1]!);
  let op: OperationCheck | null | undefined;
  const operation = () => {
    if (op === undefined) op = descriptionOf(provider).operation(m, path) ?? null;
    return op;
  };
  const resolver: HttpResponseResolver = async ({ request, params }) => {
    const u = new URL(request.url);
    const record = (status: number, outcome: "ok" | "fault" | "error") =>
      state.calls.push({ provider, method: m, path: u.pathname, status, outcome });
    const violated = (problems: string[]) => {
      state.violations.push(...problems);
      record(500, "error");
      return HttpResponse.json(
        { emulation: "outside the published API description", problems },
        { status: 500 },
      );
    };
    const check = opts.undocumented ? undefined : operation();
    if (!opts.undocumented && !check)
      return violated([
        `${provider}: ${m} ${path} is not an operation of the published description`,
      ]);
    if (check) {
      const body = await readJson(request.clone());
      if (body.invalid) return violated([`${check.id}: the request body is not JSON`]);
      const values = Object.fromEntries(
        names.map((n, i) => [check.pathParams[i] ?? n, decodeURIComponent(String(params[n]))]),
      );
      const problems = check.request({
        params: values,
        query: u.searchParams,
        headers: request.headers,
        body: body.value,
      });
      if (problems.length) return violated(problems);
    }
    // Fake CLIs stand in for real ones that retry on their own: no faults for them.
    const fromFakeCli = request.headers.get("x-efs-fake-cli") === "1";
    const fault = fromFakeCli ? undefined : pickFault(state, provider, m, u.pathname);
    const faultResponse = (status: number, retryAfter?: string) =>
      fail(
        provider,
        status,
        status === 429 ? "Rate limit exceeded" : "Service unavailable",
        undefined,
        retryAfter !== undefined ? { "retry-after": retryAfter } : undefined,
      );
    let res: Response;
    if (fault && !fault.afterProcessing) {
      res = faultResponse(fault.status, fault.retryAfter);
    } else {
      const ctx: Ctx = { request, params, url: u, json: () => request.clone().json() };
      res = await handler(ctx);
      if (fault) res = faultResponse(fault.status, fault.retryAfter);
    }
    if (check) {
      const body = await readJson(res.clone());
      const problems = body.invalid
        ? [`${check.id}: HTTP ${res.status} answered a body that is not JSON`]
        : check.response(res.status, body.value);
      if (problems.length) return violated(problems);
    }
    if (fault) record(fault.status, "fault");
    else record(res.status, res.status < 400 ? "ok" : "error");
    return res;
  };
  return http[method](base + path, resolver);
}

// The JSON body of a request or response (undefined when empty).
async function readJson(r: Request | Response): Promise<{ value?: unknown; invalid?: true }> {
  const text = await r.text();
  if (text.length === 0) return {};
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { invalid: true };
  }
}

// The bearer token of a request, or undefined.
export function bearer(request: Request): string | undefined {
  const h = request.headers.get("authorization") ?? "";
  return h.startsWith("Bearer ") ? h.slice(7) : undefined;
}
