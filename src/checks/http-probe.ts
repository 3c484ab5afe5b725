// Plain HTTP probes of the deployed apps (global fetch, bounded by a timeout).

export interface Probe {
  status: number;
  contentType: string;
  json?: unknown;
  text: string;
}

// Sends one request and reads the answer (JSON parsed when it is JSON).
export async function probe(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
    timeoutMs?: number;
  } = {},
): Promise<Probe> {
  const timeout = AbortSignal.timeout(init.timeoutMs ?? 20_000);
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers: init.headers,
    body: init.body,
    redirect: "manual",
    signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
  });
  const text = await res.text();
  const contentType = res.headers.get("content-type") ?? "";
  let json: unknown;
  if (contentType.includes("json")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, contentType, json, text };
}

// "connection refused" and friends, in one line.
export function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}
