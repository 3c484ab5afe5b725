// Reports a finished render to the web app's webhook, retrying with exponential backoff.
import type { WebhookBody } from "@efs/core/wire";

// POSTs with `Authorization: Bearer <token>`; retries 5xx/network errors, not 4xx.
export async function postWebhook(
  url: string,
  token: string,
  body: WebhookBody,
  opts: { attempts?: number; baseDelayMs?: number; fetch?: typeof fetch } = {},
): Promise<void> {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseDelayMs ?? 500;
  const doFetch = opts.fetch ?? fetch;
  let last = "";
  for (let n = 0; n < attempts; n++) {
    if (n > 0) await new Promise((r) => setTimeout(r, base * 2 ** (n - 1)));
    try {
      const res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer().catch(() => {});
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
  }
  throw new Error(
    `webhook ${new URL(url).origin} did not accept the ${body.status} report: ${last}`,
  );
}
