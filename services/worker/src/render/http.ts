// One JSON-over-HTTP call to the renderer (Modal or local), mapping answers to typed errors:
// 429/5xx and network errors are transient, other 4xx permanent with the renderer's {error}.
import { request } from "undici";
import { isTransientStatus, PermanentJobError, TransientJobError } from "../errors";

// Sends `init` to `url` and returns the parsed JSON body of a 2xx answer.
export async function rendererCall(
  url: string,
  init: {
    method: "GET" | "POST";
    body?: unknown;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  },
  what: string,
): Promise<Record<string, unknown>> {
  const res = await request(url, {
    method: init.method,
    headers: {
      accept: "application/json",
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  if (res.statusCode >= 200 && res.statusCode < 300) return json;
  const detail = typeof json.error === "string" ? `: ${json.error.slice(0, 300)}` : "";
  const msg = `${what} failed: renderer answered HTTP ${res.statusCode}${detail}`;
  throw isTransientStatus(res.statusCode) ? new TransientJobError(msg) : new PermanentJobError(msg);
}
