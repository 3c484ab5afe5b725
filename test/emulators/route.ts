// One wrapper for every emulated endpoint: call log, fault injection, error shapes.
import { HttpResponse, type HttpResponseResolver, http, type PathParams } from "msw";
import type { EmulatorState, Provider } from "./state";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface Ctx {
  request: Request;
  params: PathParams;
  url: URL;
  json: () => Promise<unknown>;
}

// The provider's own error body for a status and message.
export function errorBody(
  provider: Provider,
  status: number,
  message: string,
  code?: string | number,
) {
  switch (provider) {
    case "cloudflare":
      return {
        success: false,
        errors: [{ code: code ?? status, message }],
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

// Declares an emulated endpoint; `handler` returns the provider's real response shape.
export function route(
  state: EmulatorState,
  provider: Provider,
  method: Method,
  url: string,
  handler: (ctx: Ctx) => Response | Promise<Response>,
) {
  const resolver: HttpResponseResolver = async ({ request, params }) => {
    const u = new URL(request.url);
    const m = method.toUpperCase();
    const record = (status: number, outcome: "ok" | "fault" | "error") =>
      state.calls.push({ provider, method: m, path: u.pathname, status, outcome });
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
    if (fault && !fault.afterProcessing) {
      record(fault.status, "fault");
      return faultResponse(fault.status, fault.retryAfter);
    }
    const ctx: Ctx = { request, params, url: u, json: () => request.clone().json() };
    const res = await handler(ctx);
    if (fault) {
      record(fault.status, "fault");
      return faultResponse(fault.status, fault.retryAfter);
    }
    record(res.status, res.status < 400 ? "ok" : "error");
    return res;
  };
  return http[method](url, resolver);
}

// The bearer token of a request, or undefined.
export function bearer(request: Request): string | undefined {
  const h = request.headers.get("authorization") ?? "";
  return h.startsWith("Bearer ") ? h.slice(7) : undefined;
}
