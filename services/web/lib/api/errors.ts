// The one error shape every API route answers with: `{ error: { code, message } }`.

export type ApiErrorCode =
  | "bad_request"
  | "malformed_json"
  | "unsupported_media_type"
  | "payload_too_large"
  | "unauthorized"
  | "locked"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "range_not_satisfiable"
  | "misconfigured"
  | "unavailable"
  | "internal";

/** A failure the client can act on; `message` says what was wrong and how to fix it. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: ApiErrorCode;

  constructor(status: number, code: ApiErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// A JSON response with no-store caching (API answers are per-user and live).
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { ...init, headers });
}

// The error envelope as a Response.
export function errorResponse(status: number, code: ApiErrorCode, message: string): Response {
  return json({ error: { code, message } }, { status });
}
