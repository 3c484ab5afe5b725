import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EfsError, Interrupt } from "../../src/errors";
import { ProviderError } from "../../src/providers/errors";
import { createHttp } from "../../src/providers/http";

const BASE = "https://api.example.test";
const TOKEN = "supersecret-token-abcdef123456";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const NOW = Date.parse("2026-09-01T12:00:00Z");

function client(sleeps: number[] = [], provider: "vercel" | "github" | "render" = "vercel") {
  return createHttp({
    provider,
    baseUrl: BASE,
    headers: { authorization: `Bearer ${TOKEN}` },
    secrets: [TOKEN],
    parseError: (b) => ({ message: (b as { error?: { message?: string } })?.error?.message }),
    hint: (status) => (status === 403 ? "use a token with access" : undefined),
    baseDelayMs: 10,
    sleep: async (ms) => void sleeps.push(ms),
    now: () => NOW,
  });
}

// Answers `limited` once, then 200.
function limitedOnce(limited: () => Response) {
  let n = 0;
  server.use(http.get(`${BASE}/x`, () => (++n === 1 ? limited() : HttpResponse.json({ ok: 1 }))));
  return () => n;
}

describe("http client", () => {
  it("waits Retry-After seconds on 429, then succeeds", async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/x`, () =>
        ++n === 1
          ? HttpResponse.json({}, { status: 429, headers: { "retry-after": "3" } })
          : HttpResponse.json({ ok: true }),
      ),
    );
    const sleeps: number[] = [];
    const res = await client(sleeps).request<{ ok: boolean }>("GET", "/x", { operation: "get x" });
    expect(res.data.ok).toBe(true);
    expect(sleeps).toEqual([3000]);
  });

  it("retries 502/503/504 with growing jittered backoff and gives up after 5 tries", async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/x`, () =>
        HttpResponse.json({ error: { message: "down" } }, { status: [502, 503, 504][n++ % 3] }),
      ),
    );
    const sleeps: number[] = [];
    await expect(client(sleeps).request("GET", "/x", { operation: "get x" })).rejects.toThrow(
      /get x failed \(HTTP 50\d\): down/,
    );
    expect(n).toBe(5);
    expect(sleeps).toHaveLength(4);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((10 * 2 ** i) / 2);
      expect(ms).toBeLessThanOrEqual(10 * 2 ** i);
    });
  });

  it("retries network errors", async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/x`, () => (++n < 3 ? HttpResponse.error() : HttpResponse.json({ ok: 1 }))),
    );
    const res = await client().request<{ ok: number }>("GET", "/x", { operation: "get x" });
    expect(res.data.ok).toBe(1);
    expect(n).toBe(3);
  });

  it("does not retry other errors and carries the provider's message, status and fix, redacted", async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/x`, () => {
        n++;
        return HttpResponse.json(
          { error: { message: `token ${TOKEN} lacks scope` } },
          { status: 403 },
        );
      }),
    );
    const err = await client()
      .request("GET", "/x", { operation: "get x" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(n).toBe(1);
    expect(err.status).toBe(403);
    expect(err.message).toContain("use a token with access");
    expect(err.message).toContain("lacks scope");
    expect(err.message).not.toContain(TOKEN);
  });

  it("looks a non-idempotent create up after an ambiguous 502 and adopts it instead of creating twice", async () => {
    let posts = 0;
    server.use(
      http.post(`${BASE}/things`, () => {
        posts++;
        return HttpResponse.json({}, { status: 502 });
      }),
    );
    const res = await client().request<{ id: string }>("POST", "/things", {
      operation: "create thing",
      body: {},
      create: { lookup: async () => ({ id: "found" }) },
    });
    expect(res.adopted).toBe(true);
    expect(res.data.id).toBe("found");
    expect(posts).toBe(1);
  });

  it("never retries an ambiguous create failure when no lookup exists", async () => {
    let posts = 0;
    server.use(
      http.post(`${BASE}/things`, () => {
        posts++;
        return HttpResponse.json({}, { status: 504 });
      }),
    );
    await expect(
      client().request("POST", "/things", { operation: "mint", body: {}, create: {} }),
    ).rejects.toThrow(/HTTP 504/);
    expect(posts).toBe(1);
  });

  it("retries a create refused with 429 (nothing was created)", async () => {
    let posts = 0;
    server.use(
      http.post(`${BASE}/things`, () =>
        ++posts === 1 ? HttpResponse.json({}, { status: 429 }) : HttpResponse.json({ id: "new" }),
      ),
    );
    const res = await client().request<{ id: string }>("POST", "/things", {
      operation: "mint",
      body: {},
      create: {},
    });
    expect(res.data.id).toBe("new");
    expect(posts).toBe(2);
  });

  it("waits until Vercel's X-RateLimit-Reset when a 429 has no Retry-After", async () => {
    limitedOnce(() =>
      HttpResponse.json(
        { error: { code: "rate_limited", message: "Rate limited" } },
        { status: 429, headers: { "x-ratelimit-reset": String(NOW / 1000 + 7) } },
      ),
    );
    const sleeps: number[] = [];
    await client(sleeps).request("GET", "/x", { operation: "get x" });
    expect(sleeps).toEqual([7000]);
  });

  it("waits until the reset in Vercel's error.limit body when no header says it", async () => {
    limitedOnce(() =>
      HttpResponse.json(
        {
          error: {
            code: "rate_limited",
            message: "Rate limited",
            limit: { remaining: 0, reset: NOW / 1000 + 12, total: 100 },
          },
        },
        { status: 429 },
      ),
    );
    const sleeps: number[] = [];
    await client(sleeps).request("GET", "/x", { operation: "get x" });
    expect(sleeps).toEqual([12000]);
  });

  it("treats a GitHub 403 with x-ratelimit-remaining 0 as a rate limit and waits for the reset", async () => {
    const calls = limitedOnce(() =>
      HttpResponse.json(
        { message: "API rate limit exceeded for user ID 1." },
        {
          status: 403,
          headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW / 1000 + 30) },
        },
      ),
    );
    const sleeps: number[] = [];
    await client(sleeps, "github").request("GET", "/x", { operation: "list secrets" });
    expect(sleeps).toEqual([30000]);
    expect(calls()).toBe(2);
  });

  it("waits a minute on a GitHub secondary-limit 403 without Retry-After", async () => {
    limitedOnce(() =>
      HttpResponse.json(
        { message: "You have exceeded a secondary rate limit. Please wait a few minutes." },
        { status: 403 },
      ),
    );
    const sleeps: number[] = [];
    await client(sleeps, "github").request("GET", "/x", { operation: "put secret" });
    expect(sleeps).toEqual([60000]);
  });

  it("reports a GitHub rate limit that resets far ahead as a rate limit, not a missing permission", async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/x`, () => {
        n++;
        return HttpResponse.json(
          { message: "API rate limit exceeded for user ID 1." },
          {
            status: 403,
            headers: {
              "x-ratelimit-remaining": "0",
              "x-ratelimit-reset": String(NOW / 1000 + 40 * 60),
            },
          },
        );
      }),
    );
    const err = await client([], "github")
      .request("GET", "/x", { operation: "list secrets" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(n).toBe(1);
    expect(err.code).toBe("rate_limited");
    expect(err.message).toMatch(
      /github rate limit reached \(x-ratelimit-reset\); it resets in 2400 s \(12:40:00 UTC\)/,
    );
    expect(err.message).not.toContain("use a token with access");
  });

  it("waits Render's Ratelimit-Reset seconds on a 429", async () => {
    limitedOnce(() =>
      HttpResponse.json(
        { message: "rate limit" },
        { status: 429, headers: { "ratelimit-reset": "9" } },
      ),
    );
    const sleeps: number[] = [];
    await client(sleeps, "render").request("GET", "/x", { operation: "list deploys" });
    expect(sleeps).toEqual([9000]);
  });
});

// The run's cancel signal (Ctrl-C / SIGTERM) with the real waits: nothing is retried,
// looked up or sent after it, and a wait of any length ends at once.
describe("http client after Ctrl-C / SIGTERM", () => {
  function cancellable(signal: AbortSignal) {
    return createHttp({
      provider: "vercel",
      baseUrl: BASE,
      headers: { authorization: `Bearer ${TOKEN}` },
      secrets: [TOKEN],
      parseError: () => ({}),
      signal,
    });
  }
  // The rejection of `p` and how long it took to come.
  async function stopped(p: Promise<unknown>): Promise<{ err: EfsError; ms: number }> {
    const t0 = Date.now();
    const err = (await p.then(
      () => undefined,
      (e: unknown) => e,
    )) as EfsError;
    return { err, ms: Date.now() - t0 };
  }

  it("starts no request once the signal is aborted", async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/x`, () => {
        n++;
        return HttpResponse.json({});
      }),
    );
    const ac = new AbortController();
    ac.abort(new Interrupt("SIGTERM"));
    const { err } = await stopped(cancellable(ac.signal).request("GET", "/x", { operation: "x" }));
    expect(err).toBeInstanceOf(EfsError);
    expect(err.code).toBe("INTERRUPTED");
    expect(err.exitCode).toBe(143);
    expect(n).toBe(0);
  });

  it("aborts the request in flight and neither retries it nor looks a create up", async () => {
    let n = 0;
    let lookups = 0;
    const ac = new AbortController();
    server.use(
      http.post(`${BASE}/x`, async () => {
        n++;
        setTimeout(() => ac.abort(new Interrupt("SIGINT")), 20);
        await delay("infinite");
        return HttpResponse.json({});
      }),
    );
    const { err, ms } = await stopped(
      cancellable(ac.signal).request("POST", "/x", {
        operation: "create x",
        body: {},
        create: {
          lookup: async () => {
            lookups++;
            return undefined;
          },
        },
      }),
    );
    expect(err.code).toBe("INTERRUPTED");
    expect(err.exitCode).toBe(130);
    expect(err.message).toBe("Interrupted (SIGINT)");
    expect(ms).toBeLessThan(10_000);
    expect(n).toBe(1);
    expect(lookups).toBe(0);
  });

  it("ends a rate-limit wait at once and sends nothing after it", async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/x`, () => {
        n++;
        return HttpResponse.json(
          { error: { code: "rate_limited", message: "slow down" } },
          { status: 429, headers: { "retry-after": "60" } },
        );
      }),
    );
    const ac = new AbortController();
    const retries: number[] = [];
    const api = createHttp({
      provider: "vercel",
      baseUrl: BASE,
      headers: {},
      secrets: [],
      parseError: () => ({}),
      signal: ac.signal,
      onRetry: (r) => {
        retries.push(r.delayMs);
        setTimeout(() => ac.abort(new Interrupt("SIGINT")), 20);
      },
    });
    const { err, ms } = await stopped(api.request("GET", "/x", { operation: "x" }));
    expect(retries).toEqual([60_000]);
    expect(err.code).toBe("INTERRUPTED");
    expect(ms).toBeLessThan(10_000);
    expect(n).toBe(1);
  });
});
