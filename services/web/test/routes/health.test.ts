// GET /api/health: the contract shape, reachability checks, and never a secret.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GET as health } from "../../app/api/health/route";
import { resetContext } from "../../lib/context";
import { ACCESS_KEY, body, openStudio, request, type Studio, WEBHOOK_SECRET } from "../helpers";

const contract = JSON.parse(
  readFileSync(new URL("../../../../contracts/health.json", import.meta.url), "utf8"),
) as { valid: Array<{ body: Record<string, unknown> }> };

let studio: Studio | null = null;
afterEach(async () => {
  await studio?.close();
  studio = null;
});

const keysDeep = (o: unknown): string[] =>
  o && typeof o === "object"
    ? Object.entries(o).flatMap(([k, v]) => [k, ...keysDeep(v).map((s) => `${k}.${s}`)])
    : [];

describe("GET /api/health", () => {
  it("reports version, the local backends and ok checks, in the contract's shape, without a session", async () => {
    studio = await openStudio();
    const res = await health(request("/api/health"));
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toEqual({
      version: "0.1.0",
      backends: { jobStore: "file", storage: "local", renderer: "local" },
      checks: { db: "ok", storage: "ok" },
    });
    expect(keysDeep(b).sort()).toEqual(keysDeep(contract.valid[0]!.body).sort());
    const text = JSON.stringify(b);
    for (const secret of [ACCESS_KEY, WEBHOOK_SECRET]) expect(text).not.toContain(secret);
  });

  it("answers 503 naming the failing check by error code only", async () => {
    studio = await openStudio();
    // The storage root becomes a file: the local backend cannot use it.
    await writeFile(join(studio.dir, "storage"), "not a directory");
    const res = await health(request("/api/health"));
    expect(res.status).toBe(503);
    const b = await body<{ checks: { db: string; storage: string } }>(res);
    expect(b.checks.db).toBe("ok");
    expect(b.checks.storage).toMatch(/^error: [A-Z]+$/);
    expect(b.checks.storage).not.toContain(studio.dir);
  });

  it("names the misconfigured variable when the config cannot load", async () => {
    studio = await openStudio();
    await resetContext();
    process.env.INTERNAL_WEBHOOK_SECRET = "short";
    const res = await health(request("/api/health"));
    expect(res.status).toBe(503);
    const b = await body<{ error: { message: string } }>(res);
    expect(b.error.message).toMatch(/^INTERNAL_WEBHOOK_SECRET /);
    expect(JSON.stringify(b)).not.toContain("short");
  }, 60_000);
});
