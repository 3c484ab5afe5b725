// The local storage backend's signed routes: objects served and accepted only with a valid,
// unexpired signature; Range requests; traversal keys refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callStorage, errorOf, openStudio, type Studio } from "../helpers";

let studio: Studio;
const KEY = "audio/job_test/stream.m4a";
const DATA = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

beforeAll(async () => {
  studio = await openStudio();
  await studio.ctx.storage.put(KEY, DATA, { contentType: "audio/mp4" });
});
afterAll(() => studio.close());

const signGet = (key = KEY, opts: { expiresInSec?: number; downloadName?: string } = {}) =>
  studio.ctx.storage.signGetUrl(key, { expiresInSec: opts.expiresInSec ?? 60, ...opts });

describe("GET /api/storage/<key>", () => {
  it("serves the whole object with its type for a valid signature", async () => {
    const res = await callStorage(await signGet());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/mp4");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(DATA);
  });

  it("answers a Range request with 206 and exactly those bytes", async () => {
    const res = await callStorage(await signGet(), { headers: { range: "bytes=100-199" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(res.headers.get("content-length")).toBe("100");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(DATA.subarray(100, 200));
    const tail = await callStorage(await signGet(), { headers: { range: "bytes=-10" } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(DATA.subarray(990));
    const past = await callStorage(await signGet(), { headers: { range: "bytes=5000-" } });
    expect(past.status).toBe(416);
  });

  it("answers HEAD with the size and no body", async () => {
    const res = await callStorage(await signGet(), { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("1000");
  });

  it("sends a download name as Content-Disposition when signed with one", async () => {
    const res = await callStorage(await signGet(KEY, { downloadName: "My Song.m4a" }));
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="My Song\.m4a"/);
  });

  it("refuses an expired signature with 403", async () => {
    const url = await signGet(KEY, { expiresInSec: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    const res = await callStorage(url);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toMatch(/expired/);
  });

  it("refuses a forged signature, a signature for another key and a missing one", async () => {
    const url = new URL(await signGet());
    const sig = url.searchParams.get("sig")!;
    url.searchParams.set("sig", `${sig[0] === "a" ? "b" : "a"}${sig.slice(1)}`);
    expect((await callStorage(url.toString())).status).toBe(403);

    await studio.ctx.storage.put("audio/job_test/other.m4a", "secret", {
      contentType: "audio/mp4",
    });
    const moved = (await signGet()).replace("stream.m4a", "other.m4a");
    const res = await callStorage(moved);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("forbidden");

    const bare = (await signGet()).split("?")[0]!;
    expect((await callStorage(bare)).status).toBe(400);
  });

  it("refuses traversal and out-of-prefix keys with 400 before checking anything else", async () => {
    const good = new URL(await signGet());
    for (const path of [
      "/api/storage/audio/%2e%2e/%2e%2e/etc/passwd",
      "/api/storage/etc/passwd",
      "/api/storage/audio//x",
    ]) {
      const res = await callStorage(`http://localhost:3999${path}${good.search}`);
      expect(res.status, path).toBe(400);
      expect((await errorOf(res)).code).toBe("bad_request");
    }
  });

  it("answers 404 for a validly signed key with no object", async () => {
    const res = await callStorage(await signGet("audio/job_test/missing.m4a"));
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("does not accept a GET signature for an upload", async () => {
    const url = await signGet("uploads/job_00000000000000000000000000/a.mp3");
    const res = await callStorage(url, {
      method: "PUT",
      raw: new Uint8Array(10),
      headers: { "content-type": "audio/mpeg", "content-length": "10" },
    });
    expect(res.status).toBe(403);
  });
});
