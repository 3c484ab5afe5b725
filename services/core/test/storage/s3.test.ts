import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3Server } from "../../../../test-support/s3-server";
import { createS3Storage, type S3Storage } from "../../src/storage/s3";

let server: S3TestServer;
let storage: S3Storage;

async function bytes(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startS3Server();
  storage = createS3Storage({
    endpoint: server.endpoint,
    bucket: server.bucket,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    region: server.region,
    partSizeBytes: 5 * 1024 * 1024,
    queueSize: 2,
  });
});

afterAll(async () => {
  storage?.close();
  await server?.stop();
});

describe("S3 backend against SeaweedFS", () => {
  it("stores a streamed object and reads it back with its content type", async () => {
    const info = await storage.put("uploads/rt/a.txt", Readable.from(["hello ", "world"]), {
      contentType: "text/plain",
    });
    expect(info).toMatchObject({ key: "uploads/rt/a.txt", size: 11, contentType: "text/plain" });
    const got = await storage.get("uploads/rt/a.txt");
    expect(got).toMatchObject({ size: 11, totalSize: 11, contentType: "text/plain", range: null });
    expect((await bytes(got.body)).toString()).toBe("hello world");
    expect(await storage.stat("uploads/rt/a.txt")).toMatchObject({
      size: 11,
      contentType: "text/plain",
    });
  });

  it("uploads multipart objects larger than one part intact", async () => {
    const data = Buffer.alloc(12 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
    const chunks = Readable.from(
      (function* () {
        for (let i = 0; i < data.length; i += 1 << 20) yield data.subarray(i, i + (1 << 20));
      })(),
    );
    const info = await storage.put("audio/mp/big.bin", chunks, { contentLength: data.length });
    expect(info.size).toBe(data.length);
    expect(info.etag).toMatch(/-3$/); // three parts
    const back = await bytes((await storage.get("audio/mp/big.bin")).body);
    expect(createHash("sha256").update(back).digest("hex")).toBe(
      createHash("sha256").update(data).digest("hex"),
    );
  });

  it("refuses a body that differs from the declared contentLength and stores nothing", async () => {
    await expect(storage.put("tmp/len/a", "toolong", { contentLength: 3 })).rejects.toMatchObject({
      code: "LengthMismatch",
    });
    await expect(storage.put("tmp/len/b", "ab", { contentLength: 3 })).rejects.toMatchObject({
      code: "LengthMismatch",
    });
    expect(await storage.stat("tmp/len/a")).toBeNull();
    expect(await storage.stat("tmp/len/b")).toBeNull();
  });

  it("serves byte ranges and maps an unsatisfiable range to InvalidRange", async () => {
    await storage.put("previews/r/p.bin", "0123456789");
    const mid = await storage.get("previews/r/p.bin", { range: { start: 2, end: 5 } });
    expect(mid).toMatchObject({ size: 4, totalSize: 10, range: { start: 2, end: 5 } });
    expect((await bytes(mid.body)).toString()).toBe("2345");
    const tail = await storage.get("previews/r/p.bin", { range: { start: 7 } });
    expect(tail).toMatchObject({ size: 3, totalSize: 10, range: { start: 7, end: 9 } });
    expect((await bytes(tail.body)).toString()).toBe("789");
    await expect(storage.get("previews/r/p.bin", { range: { start: 10 } })).rejects.toMatchObject({
      code: "InvalidRange",
    });
  });

  it("answers stat of a missing key with null and get with NotFound", async () => {
    expect(await storage.stat("renders/missing/none.mp4")).toBeNull();
    await expect(storage.get("renders/missing/none.mp4")).rejects.toMatchObject({
      code: "NotFound",
    });
  });

  it("lists across pages in key order", async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `features/pg/k${i}`);
    for (const k of keys) await storage.put(k, k);
    await storage.put("features/pgx", "outside the folder");
    let listCalls = 0;
    storage.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "ListObjectsV2Command") listCalls++;
        return next(args);
      },
      { step: "initialize", name: "countListCalls" },
    );
    try {
      const listed = await collect(storage.list("features/pg/", { pageSize: 2 }));
      expect(listed.map((o) => o.key)).toEqual(keys);
      expect(listed[0]).toMatchObject({ size: "features/pg/k0".length });
      expect(listCalls).toBe(4);
      expect((await collect(storage.list("features/pg"))).length).toBe(8);
    } finally {
      storage.client.middlewareStack.remove("countListCalls");
    }
  });

  it("deletes single objects and whole prefixes in batches", async () => {
    for (let i = 0; i < 5; i++) await storage.put(`renders/dp/${i}`, "x");
    await storage.put("renders/dpx", "keep");
    await storage.delete("renders/dp/0");
    await storage.delete("renders/dp/0");
    expect(await storage.deletePrefix("renders/dp/")).toBe(4);
    expect((await collect(storage.list("renders/dp"))).map((o) => o.key)).toEqual(["renders/dpx"]);
  });

  it("refuses invalid keys before any request", async () => {
    await expect(storage.put("uploads/../x", "y")).rejects.toMatchObject({ code: "InvalidKey" });
    await expect(storage.get("/etc/passwd")).rejects.toMatchObject({ code: "InvalidKey" });
    expect(() => storage.list("")).toThrow(/empty/);
    await expect(storage.deletePrefix("nope/")).rejects.toMatchObject({ code: "InvalidKey" });
  });

  it("presigns a GET that works, names the download, and is refused by the server after expiry", async () => {
    await storage.put("renders/sg/out.mp4", "video-bytes", { contentType: "video/mp4" });
    const url = await storage.signGetUrl("renders/sg/out.mp4", {
      expiresInSec: 2,
      downloadName: "Flame.mp4",
    });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("video-bytes");
    expect(ok.headers.get("content-disposition")).toContain('filename="Flame.mp4"');
    const ranged = await fetch(url, { headers: { range: "bytes=0-4" } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe("video");
    await sleep(3500);
    const late = await fetch(url);
    expect(late.status).toBe(403);
    expect(await late.text()).toMatch(/expired/i);
  });

  it("presigns a PUT pinned to the declared size and type; the server refuses anything else", async () => {
    const body = "0123456789";
    const put = await storage.signPutUrl("uploads/sp/song.mp3", {
      expiresInSec: 60,
      contentType: "audio/mpeg",
      maxBytes: 100,
      contentLength: body.length,
    });
    expect(put.headers).toEqual({
      "Content-Type": "audio/mpeg",
      "Content-Length": "10",
      "If-None-Match": "*",
    });
    expect(new URL(put.url).searchParams.get("X-Amz-SignedHeaders")).toBe(
      "content-length;content-type;host;if-none-match",
    );
    const headers = { "Content-Type": "audio/mpeg", "If-None-Match": "*" };

    for (const wrong of [`${body}-and-more-bytes`, ""]) {
      const res = await fetch(put.url, { method: "PUT", headers, body: wrong });
      expect(res.status, `${wrong.length} bytes`).toBe(403);
      expect(await res.text()).toContain("SignatureDoesNotMatch");
    }
    const otherType = await fetch(put.url, {
      method: "PUT",
      headers: { ...headers, "Content-Type": "text/html" },
      body,
    });
    expect(otherType.status).toBe(403);
    const unconditional = await fetch(put.url, {
      method: "PUT",
      headers: { "Content-Type": "audio/mpeg" },
      body,
    });
    expect(unconditional.status).toBe(403);
    expect(await storage.stat("uploads/sp/song.mp3")).toBeNull();

    const ok = await fetch(put.url, { method: "PUT", headers: put.headers, body });
    expect(ok.status).toBe(200);
    expect(await storage.stat("uploads/sp/song.mp3")).toMatchObject({
      size: 10,
      contentType: "audio/mpeg",
    });
    // Single use: the same URL cannot replace the object it stored.
    const again = await fetch(put.url, { method: "PUT", headers: put.headers, body: "9876543210" });
    expect(again.status).toBe(412);
    expect((await bytes((await storage.get("uploads/sp/song.mp3")).body)).toString()).toBe(body);
  });

  it("refuses to presign a PUT without a declared size or above the limit", async () => {
    await expect(
      storage.signPutUrl("uploads/sp/x", {
        expiresInSec: 60,
        contentType: "audio/mpeg",
        maxBytes: 100,
      }),
    ).rejects.toMatchObject({
      code: "InvalidOption",
      message: expect.stringContaining("contentLength"),
    });
    await expect(
      storage.signPutUrl("uploads/sp/x", {
        expiresInSec: 60,
        contentType: "audio/mpeg",
        maxBytes: 100,
        contentLength: 101,
      }),
    ).rejects.toMatchObject({ code: "TooLarge" });
  });

  it("gets SignatureDoesNotMatch with a wrong secret, and ping fails with it", async () => {
    const wrong = createS3Storage({
      endpoint: server.endpoint,
      bucket: server.bucket,
      accessKeyId: server.accessKeyId,
      secretAccessKey: `${server.secretAccessKey}x`,
    });
    try {
      await expect(wrong.get("uploads/rt/a.txt")).rejects.toMatchObject({
        name: "SignatureDoesNotMatch",
      });
      await expect(wrong.ping()).rejects.toBeTruthy();
    } finally {
      wrong.close();
    }
    await expect(storage.ping()).resolves.toBeUndefined();
  });
});

describe("S3 backend options", () => {
  it("derives the R2 endpoint from the account id and validates options", () => {
    const r2 = createS3Storage({
      accountId: "0123456789abcdef0123456789abcdef",
      bucket: "efs-media",
      accessKeyId: "id",
      secretAccessKey: { reveal: () => "secret" },
    });
    expect(r2.endpoint).toBe("https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
    r2.close();
    const eu = createS3Storage({
      accountId: "0123456789abcdef0123456789abcdef",
      jurisdiction: "eu",
      bucket: "efs-media",
      accessKeyId: "id",
      secretAccessKey: "secret",
    });
    expect(eu.endpoint).toBe(
      "https://0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com",
    );
    eu.close();
    const base = { bucket: "efs-media", accessKeyId: "id", secretAccessKey: "s" };
    expect(() => createS3Storage(base)).toThrow(
      /accountId \(R2_ACCOUNT_ID\) or endpoint is required/,
    );
    expect(() => createS3Storage({ ...base, accountId: "nothex" })).toThrow(/32-hex/);
    const mars = { ...base, accountId: "0123456789abcdef0123456789abcdef", jurisdiction: "mars" };
    expect(() => createS3Storage(mars as never)).toThrow(
      /jurisdiction \(R2_JURISDICTION\) must be one of default, eu, fedramp/,
    );
    expect(() => createS3Storage({ ...base, endpoint: "not a url" })).toThrow(/endpoint/);
    expect(() => createS3Storage({ ...base, endpoint: "http://x", bucket: "Bad_Bucket" })).toThrow(
      /bucket/,
    );
    expect(() => createS3Storage({ ...base, endpoint: "http://x", secretAccessKey: "" })).toThrow(
      /R2_SECRET_ACCESS_KEY/,
    );
  });
});
