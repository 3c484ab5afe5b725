import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/providers/errors";
import { createHttp } from "../../src/providers/http";

const BASE = "https://api.example.test";
const TOKEN = "supersecret-token-abcdef123456";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(sleeps: number[] = []) {
  return createHttp({
    provider: "vercel",
    baseUrl: BASE,
    headers: { authorization: `Bearer ${TOKEN}` },
    secrets: [TOKEN],
    parseError: (b) => ({ message: (b as { error?: { message?: string } })?.error?.message }),
    hint: (status) => (status === 403 ? "use a token with access" : undefined),
    baseDelayMs: 10,
    sleep: async (ms) => void sleeps.push(ms),
  });
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
});
