// Access control: the studio access key unlocks an http-only session cookie; studio API
// routes refuse without it; health, webhook and signed storage routes stay reachable.
import { afterEach, describe, expect, it } from "vitest";
import { GET as health } from "../../app/api/health/route";
import { GET as listJobs } from "../../app/api/jobs/route";
import { DELETE as lock, GET as sessionStatus, POST as unlock } from "../../app/api/session/route";
import { issueSession, SESSION_COOKIE } from "../../lib/access/session";
import { ACCESS_KEY, body, errorOf, openStudio, request, type Studio } from "../helpers";

let studio: Studio | null = null;
afterEach(async () => {
  await studio?.close();
  studio = null;
});

describe("a studio with STUDIO_ACCESS_KEY", () => {
  it("refuses API calls without a session, naming how to unlock", async () => {
    studio = await openStudio();
    const res = await listJobs(request("/api/jobs"));
    expect(res.status).toBe(401);
    const err = await errorOf(res);
    expect(err.code).toBe("locked");
    expect(err.message).toMatch(/access key/);
  });

  it("unlocks with the right key: an http-only, signed, expiring cookie that opens the API", async () => {
    studio = await openStudio();
    const res = await unlock(request("/api/session", { body: { key: ACCESS_KEY } }));
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=v1\\.\\d+\\.[A-Za-z0-9_-]{43}; `));
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toContain(ACCESS_KEY);
    const cookie = setCookie.split(";")[0]!;
    expect((await listJobs(request("/api/jobs", { cookie }))).status).toBe(200);
    expect(await body(await sessionStatus(request("/api/session", { cookie })))).toEqual({
      mode: "locked",
      unlocked: true,
    });
  });

  it("sets the Secure flag behind https", async () => {
    studio = await openStudio();
    const res = await unlock(
      request("/api/session", {
        body: { key: ACCESS_KEY },
        headers: { "x-forwarded-proto": "https" },
      }),
    );
    expect(res.headers.get("set-cookie")).toContain("Secure");
  });

  it("refuses a wrong key with 401 and sets no cookie", async () => {
    studio = await openStudio();
    const res = await unlock(request("/api/session", { body: { key: "not-the-key" } }));
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await errorOf(res)).code).toBe("unauthorized");
  });

  it("refuses forged, expired and other-key cookies", async () => {
    studio = await openStudio();
    const valid = issueSession(ACCESS_KEY);
    const forged = `${valid.slice(0, -2)}${valid.endsWith("AA") ? "BB" : "AA"}`;
    const expired = issueSession(ACCESS_KEY, Date.now() - 10_000, 1_000);
    const otherKey = issueSession("some-other-access-key");
    const extended = valid.replace(/^v1\.\d+/, `v1.${Date.now() + 10 ** 12}`);
    for (const value of [forged, expired, otherKey, extended, "garbage"]) {
      const res = await listJobs(request("/api/jobs", { cookie: `${SESSION_COOKIE}=${value}` }));
      expect(res.status, value).toBe(401);
    }
  });

  it("locks again: DELETE clears the cookie", async () => {
    studio = await openStudio();
    const res = await lock(request("/api/session", { method: "DELETE" }));
    expect(res.headers.get("set-cookie")).toMatch(/efs_session=; .*Max-Age=0/);
  });

  it("rejects a malformed unlock body with 400", async () => {
    studio = await openStudio();
    const res = await unlock(
      request("/api/session", { raw: "{", headers: { "content-type": "application/json" } }),
    );
    expect(res.status).toBe(400);
    const missing = await unlock(request("/api/session", { body: {} }));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toMatch(/^key: /);
  });

  it("keeps /api/health public", async () => {
    studio = await openStudio();
    expect((await health(request("/api/health"))).status).toBe(200);
  });
});

describe("a local studio without STUDIO_ACCESS_KEY", () => {
  it("runs open and says so", async () => {
    studio = await openStudio({ STUDIO_ACCESS_KEY: undefined });
    expect((await listJobs(request("/api/jobs"))).status).toBe(200);
    expect(await body(await sessionStatus(request("/api/session")))).toEqual({
      mode: "open",
      unlocked: true,
    });
  });
});

describe("a production studio without STUDIO_ACCESS_KEY", () => {
  it("refuses to run open, naming the variable", async () => {
    studio = await openStudio({
      STUDIO_ACCESS_KEY: undefined,
      DEPLOY_ENV: "production",
      STORAGE_BACKEND: "local",
      JOB_STORE_BACKEND: "file",
      RENDER_BACKEND: "local",
      NEXT_PUBLIC_APP_URL: "https://studio.example.com",
    });
    const res = await listJobs(request("https://studio.example.com/api/jobs"));
    expect(res.status).toBe(503);
    expect((await errorOf(res)).message).toMatch(/STUDIO_ACCESS_KEY is required/);
    const unlocked = await unlock(
      request("https://studio.example.com/api/session", { body: { key: "x" } }),
    );
    expect(unlocked.status).toBe(503);
  });
});
