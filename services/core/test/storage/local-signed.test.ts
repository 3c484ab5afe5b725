import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalStorage, type LocalStorage } from "../../src/storage/local";
import { handleLocalStorageRequest } from "../../src/storage/local-http";
import { verifyLocalSignedRequest } from "../../src/storage/local-signing";

const SECRET = "a1".repeat(32);
const BASE = "http://app.test";
let root: string;
let storage: LocalStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "efs-local-signed-"));
  storage = createLocalStorage({ root, signingSecret: SECRET, publicBaseUrl: BASE });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function parts(signedUrl: string): { key: string; query: URLSearchParams } {
  const u = new URL(signedUrl);
  const key = u.pathname
    .replace(/^\/api\/storage\//, "")
    .split("/")
    .map(decodeURIComponent)
    .join("/");
  return { key, query: u.searchParams };
}

describe("local signed URLs (pure verification)", () => {
  it("signs a GET URL that verifies for GET and HEAD until it expires", async () => {
    const url = await storage.signGetUrl("renders/j1/out put.mp4", {
      expiresInSec: 60,
      downloadName: "Flame.mp4",
    });
    expect(url.startsWith(`${BASE}/api/storage/renders/j1/out%20put.mp4?exp=`)).toBe(true);
    const { key, query } = parts(url);
    const now = Date.now();
    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "GET", key, query, now }),
    ).toMatchObject({
      ok: true,
      method: "GET",
      downloadName: "Flame.mp4",
    });
    expect(verifyLocalSignedRequest({ secret: SECRET, method: "HEAD", key, query, now }).ok).toBe(
      true,
    );
    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "GET", key, query, now: now + 61_000 }),
    ).toMatchObject({
      ok: false,
      status: 403,
      reason: "expired",
    });
  });

  it("refuses tampered, key-swapped, method-swapped and wrong-secret requests", async () => {
    const put = await storage.signPutUrl("uploads/u1/a.mp3", {
      expiresInSec: 60,
      contentType: "audio/mpeg",
      maxBytes: 1000,
    });
    const { key, query } = parts(put.url);
    const ok = verifyLocalSignedRequest({ secret: SECRET, method: "PUT", key, query });
    expect(ok).toMatchObject({
      ok: true,
      method: "PUT",
      maxBytes: 1000,
      contentType: "audio/mpeg",
    });

    const bigger = new URLSearchParams(query);
    bigger.set("max", "1000000");
    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "PUT", key, query: bigger }),
    ).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
    const otherType = new URLSearchParams(query);
    otherType.set("ct", "text/html");
    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "PUT", key, query: otherType }).ok,
    ).toBe(false);
    const later = new URLSearchParams(query);
    later.set("exp", String(Number(query.get("exp")) + 3600));
    expect(verifyLocalSignedRequest({ secret: SECRET, method: "PUT", key, query: later }).ok).toBe(
      false,
    );
    const flipped = new URLSearchParams(query);
    const sig = query.get("sig")!;
    flipped.set("sig", (sig[0] === "0" ? "1" : "0") + sig.slice(1));
    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "PUT", key, query: flipped }).ok,
    ).toBe(false);

    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "PUT", key: "uploads/u1/b.mp3", query })
        .ok,
    ).toBe(false);
    expect(verifyLocalSignedRequest({ secret: SECRET, method: "GET", key, query })).toMatchObject({
      ok: false,
      reason: "bad-signature",
    });
    expect(verifyLocalSignedRequest({ secret: "other", method: "PUT", key, query }).ok).toBe(false);
    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "DELETE", key, query }),
    ).toMatchObject({
      ok: false,
      status: 405,
    });

    const getUrl = await storage.signGetUrl(key, { expiresInSec: 60 });
    expect(
      verifyLocalSignedRequest({ secret: SECRET, method: "PUT", key, query: parts(getUrl).query })
        .ok,
    ).toBe(false);
  });

  it("refuses malformed, duplicated and traversal parameters", () => {
    const q = (s: string) => new URLSearchParams(s);
    const v = (key: string, s: string) =>
      verifyLocalSignedRequest({ secret: SECRET, method: "GET", key, query: q(s) });
    expect(v("uploads/a", "")).toMatchObject({ ok: false, reason: "malformed" });
    expect(v("uploads/a", "exp=abc&sig=" + "0".repeat(64))).toMatchObject({ reason: "malformed" });
    expect(v("uploads/a", "exp=1&sig=zz")).toMatchObject({ reason: "malformed" });
    expect(v("uploads/a", `exp=1&exp=2&sig=${"0".repeat(64)}`)).toMatchObject({
      reason: "malformed",
    });
    expect(v("uploads/../x", `exp=1&sig=${"0".repeat(64)}`)).toMatchObject({
      reason: "bad-key",
      status: 400,
    });
  });

  it("refuses to sign an upload whose declared size exceeds the limit", async () => {
    await expect(
      storage.signPutUrl("uploads/a", {
        expiresInSec: 60,
        contentType: "audio/mpeg",
        maxBytes: 10,
        contentLength: 11,
      }),
    ).rejects.toMatchObject({ code: "TooLarge" });
    const pinned = await storage.signPutUrl("uploads/a", {
      expiresInSec: 60,
      contentType: "audio/mpeg",
      maxBytes: 10,
      contentLength: 4,
    });
    expect(pinned.maxBytes).toBe(4);
    await expect(storage.signGetUrl("uploads/a", { expiresInSec: 0 })).rejects.toMatchObject({
      code: "InvalidOption",
    });
    await expect(
      storage.signPutUrl("uploads/a", { expiresInSec: 60, contentType: "bad\ntype", maxBytes: 10 }),
    ).rejects.toMatchObject({ code: "InvalidOption" });
  });
});

describe("local signed URLs served over real HTTP", () => {
  let server: Server;
  let origin: string;

  beforeEach(async () => {
    server = createServer(async (req, res) => {
      // The same thin adapter a Next.js route is: build a Web Request, return the Response.
      const url = new URL(req.url ?? "/", origin);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(url, {
        method: req.method ?? "GET",
        headers: req.headers as Record<string, string>,
        ...(hasBody
          ? { body: Readable.toWeb(req) as unknown as ReadableStream, duplex: "half" }
          : {}),
      } as RequestInit);
      const key = url.pathname
        .replace(/^\/api\/storage\//, "")
        .split("/")
        .map(decodeURIComponent);
      const response = await handleLocalStorageRequest({ storage, request, key });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        const reader = response.body.getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value);
      }
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    storage = createLocalStorage({ root, signingSecret: SECRET, publicBaseUrl: origin });
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("uploads through a signed PUT and downloads with ranges and a filename", async () => {
    const put = await storage.signPutUrl("uploads/u1/song.mp3", {
      expiresInSec: 60,
      contentType: "audio/mpeg",
      maxBytes: 100,
    });
    const up = await fetch(put.url, { method: "PUT", headers: put.headers, body: "0123456789" });
    expect(up.status).toBe(200);
    expect(await storage.stat("uploads/u1/song.mp3")).toMatchObject({
      size: 10,
      contentType: "audio/mpeg",
    });

    const get = await storage.signGetUrl("uploads/u1/song.mp3", {
      expiresInSec: 60,
      downloadName: "Mÿ song.mp3",
    });
    const whole = await fetch(get);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/mpeg");
    expect(whole.headers.get("content-disposition")).toBe(
      `attachment; filename="M_ song.mp3"; filename*=UTF-8''M%C3%BF%20song.mp3`,
    );
    expect(await whole.text()).toBe("0123456789");

    const part = await fetch(get, { headers: { range: "bytes=3-5" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 3-5/10");
    expect(await part.text()).toBe("345");
    const suffix = await fetch(get, { headers: { range: "bytes=-2" } });
    expect(await suffix.text()).toBe("89");
    const past = await fetch(get, { headers: { range: "bytes=10-" } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe("bytes */10");

    const head = await fetch(get, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("10");
  });

  it("refuses an upload that streams past the signed size and stores nothing", async () => {
    const put = await storage.signPutUrl("uploads/u2/big.bin", {
      expiresInSec: 60,
      contentType: "application/octet-stream",
      maxBytes: 64 * 1024,
    });
    // A chunked body (no Content-Length) so only the streaming limit can catch it.
    const chunks = Readable.from(
      (function* () {
        for (let i = 0; i < 32; i++) yield Buffer.alloc(8192, i);
      })(),
    );
    const res = await fetch(put.url, {
      method: "PUT",
      headers: put.headers,
      body: Readable.toWeb(chunks) as unknown as ReadableStream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ reason: "too-large" });
    expect(await storage.stat("uploads/u2/big.bin")).toBeNull();
    expect(await readdir(join(root, ".efs-tmp"))).toEqual([]);
  });

  it("refuses an upload with a declared Content-Length over the limit before reading it", async () => {
    const put = await storage.signPutUrl("uploads/u3/a.bin", {
      expiresInSec: 60,
      contentType: "a/b",
      maxBytes: 5,
    });
    const res = await fetch(put.url, { method: "PUT", headers: put.headers, body: "123456" });
    expect(res.status).toBe(413);
    expect(await storage.stat("uploads/u3/a.bin")).toBeNull();
  });

  it("refuses an upload with a different Content-Type than signed", async () => {
    const put = await storage.signPutUrl("uploads/u4/a.mp3", {
      expiresInSec: 60,
      contentType: "audio/mpeg",
      maxBytes: 50,
    });
    const res = await fetch(put.url, {
      method: "PUT",
      headers: { "content-type": "text/html" },
      body: "<script>",
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ reason: "content-type-mismatch" });
    expect(await storage.stat("uploads/u4/a.mp3")).toBeNull();
  });

  it("refuses expired, tampered and method-swapped URLs over HTTP", async () => {
    await storage.put("renders/r/out.mp4", "video", { contentType: "video/mp4" });
    const get = await storage.signGetUrl("renders/r/out.mp4", { expiresInSec: 1 });
    expect((await fetch(get)).status).toBe(200);
    expect(
      (await fetch(get, { method: "PUT", body: "x", headers: { "content-type": "video/mp4" } }))
        .status,
    ).toBe(403);
    const swapped = get.replace("renders/r/out.mp4", "renders/r/other.mp4");
    expect((await fetch(swapped)).status).toBe(403);
    const exp = Number(new URL(get).searchParams.get("exp")) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, exp - Date.now()) + 50));
    const late = await fetch(get);
    expect(late.status).toBe(403);
    expect(await late.json()).toMatchObject({ reason: "expired" });
    expect(
      (await fetch(`${origin}/api/storage/renders/r/missing.mp4?exp=1&sig=${"0".repeat(64)}`))
        .status,
    ).toBe(403);
    const missing = await storage.signGetUrl("renders/r/missing.mp4", { expiresInSec: 60 });
    expect((await fetch(missing)).status).toBe(404);
  });
});
