import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StorageError } from "../../src/storage/errors";
import { createLocalStorage, type LocalStorage } from "../../src/storage/local";

async function text(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

let root: string;
let storage: LocalStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "efs-local-storage-"));
  storage = createLocalStorage({
    root,
    signingSecret: "s".repeat(64),
    publicBaseUrl: "http://localhost:3000",
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("local storage backend", () => {
  it("stores and reads back a streamed object with its content type", async () => {
    const put = await storage.put("uploads/j1/a.txt", Readable.from(["hello ", "world"]), {
      contentType: "text/plain",
    });
    expect(put).toMatchObject({ key: "uploads/j1/a.txt", size: 11, contentType: "text/plain" });
    expect(put.etag).toBe("5eb63bbbe01eeed093cb22bb8f5acdc3");
    const got = await storage.get("uploads/j1/a.txt");
    expect(got).toMatchObject({ size: 11, totalSize: 11, contentType: "text/plain", range: null });
    expect(await text(got.body)).toBe("hello world");
    expect(await storage.stat("uploads/j1/a.txt")).toMatchObject({
      size: 11,
      contentType: "text/plain",
    });
  });

  it("overwrites atomically and leaves no temp files behind", async () => {
    await storage.put("audio/x.bin", "first", { contentType: "a/b" });
    await storage.put("audio/x.bin", new Uint8Array([1, 2, 3]));
    const got = await storage.get("audio/x.bin");
    expect(got.contentType).toBeNull();
    expect(got.size).toBe(3);
    got.body.destroy();
    expect(await readdir(join(root, ".efs-tmp"))).toEqual([]);
  });

  it("rejects a body whose length differs from contentLength and keeps the old object", async () => {
    await storage.put("tmp/a", "old");
    await expect(storage.put("tmp/a", "toolong", { contentLength: 3 })).rejects.toMatchObject({
      code: "LengthMismatch",
    });
    expect(await text((await storage.get("tmp/a")).body)).toBe("old");
  });

  it("with ifAbsent stores a key once: of racing writers exactly one wins, the rest get Exists", async () => {
    const results = await Promise.allSettled(
      ["a", "b", "c", "d"].map((v) =>
        storage.put("uploads/once/x.bin", v.repeat(1000), { ifAbsent: true }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "Exists" });
    }
    const { body } = await storage.get("uploads/once/x.bin");
    const text = (await body.toArray()).join("");
    expect(text).toMatch(/^(a{1000}|b{1000}|c{1000}|d{1000})$/);
    await expect(storage.put("uploads/once/x.bin", "e", { ifAbsent: true })).rejects.toMatchObject({
      code: "Exists",
    });
    expect(await readdir(join(root, ".efs-tmp"))).toEqual([]);
  });

  it("serves byte ranges and refuses ranges past the end", async () => {
    await storage.put("previews/p.bin", "0123456789");
    const mid = await storage.get("previews/p.bin", { range: { start: 2, end: 5 } });
    expect(mid).toMatchObject({ size: 4, totalSize: 10, range: { start: 2, end: 5 } });
    expect(await text(mid.body)).toBe("2345");
    const tail = await storage.get("previews/p.bin", { range: { start: 7 } });
    expect(await text(tail.body)).toBe("789");
    const clamped = await storage.get("previews/p.bin", { range: { start: 8, end: 100 } });
    expect(await text(clamped.body)).toBe("89");
    await expect(storage.get("previews/p.bin", { range: { start: 10 } })).rejects.toMatchObject({
      code: "InvalidRange",
    });
  });

  it("reports missing objects: stat → null, get → NotFound", async () => {
    expect(await storage.stat("renders/none.mp4")).toBeNull();
    await expect(storage.get("renders/none.mp4")).rejects.toMatchObject({ code: "NotFound" });
    await storage.put("renders/dir/file", "x");
    expect(await storage.stat("renders/dir")).toBeNull();
  });

  it("lists by prefix in lexicographic key order like S3", async () => {
    for (const k of [
      "uploads/a/2",
      "uploads/a-b",
      "uploads/a/1",
      "uploads/b",
      "uploads/ab/c",
      "audio/z",
    ]) {
      await storage.put(k, k);
    }
    const all = (await collect(storage.list("uploads/"))).map((o) => o.key);
    expect(all).toEqual(["uploads/a-b", "uploads/a/1", "uploads/a/2", "uploads/ab/c", "uploads/b"]);
    expect((await collect(storage.list("uploads/a"))).map((o) => o.key)).toEqual([
      "uploads/a-b",
      "uploads/a/1",
      "uploads/a/2",
      "uploads/ab/c",
    ]);
    expect((await collect(storage.list("uploads/a/"))).map((o) => o.key)).toEqual([
      "uploads/a/1",
      "uploads/a/2",
    ]);
    expect(await collect(storage.list("features/"))).toEqual([]);
  });

  it("deletes one object and whole prefixes, pruning empty folders", async () => {
    for (const k of ["renders/j1/a", "renders/j1/sub/b", "renders/j10/c", "renders/j2/d"])
      await storage.put(k, k);
    await storage.delete("renders/j2/d");
    await storage.delete("renders/j2/d");
    expect(await storage.stat("renders/j2/d")).toBeNull();
    expect(await storage.deletePrefix("renders/j1/")).toBe(2);
    expect((await collect(storage.list("renders/"))).map((o) => o.key)).toEqual(["renders/j10/c"]);
    expect(await readdir(join(root, "renders"))).toEqual(["j10"]);
  });

  it("refuses traversal and disallowed keys before touching the disk", async () => {
    for (const bad of ["uploads/../../etc/passwd", "/etc/passwd", "uploads\\..\\x", "etc/passwd"]) {
      await expect(storage.put(bad, "x")).rejects.toBeInstanceOf(StorageError);
      await expect(storage.get(bad)).rejects.toMatchObject({ code: "InvalidKey" });
      await expect(storage.stat(bad)).rejects.toMatchObject({ code: "InvalidKey" });
      await expect(storage.delete(bad)).rejects.toMatchObject({ code: "InvalidKey" });
    }
    await expect(storage.deletePrefix("uploads/../")).rejects.toMatchObject({ code: "InvalidKey" });
    expect(() => storage.list("")).toThrow(StorageError);
    expect(() => storage.list("uploads/../")).toThrow(/".." segment/);
    expect(await readdir(root)).toEqual([]);
  });

  it("reports a clear conflict when a key collides with a folder", async () => {
    await storage.put("tmp/a/b", "x");
    await expect(storage.put("tmp/a", "y")).rejects.toMatchObject({ code: "Conflict" });
  });

  it("pings by creating and checking the data directory", async () => {
    const fresh = createLocalStorage({
      root: join(root, "nested", "data"),
      signingSecret: "k",
      publicBaseUrl: "http://localhost:3000",
    });
    await expect(fresh.ping()).resolves.toBeUndefined();
  });

  it("validates its options naming the bad one", () => {
    expect(() =>
      createLocalStorage({ root: "", signingSecret: "k", publicBaseUrl: "http://x" }),
    ).toThrow(/root/);
    expect(() =>
      createLocalStorage({ root: "/tmp/x", signingSecret: "", publicBaseUrl: "http://x" }),
    ).toThrow(/signingSecret/);
    expect(() =>
      createLocalStorage({ root: "/tmp/x", signingSecret: "k", publicBaseUrl: "localhost" }),
    ).toThrow(/publicBaseUrl/);
  });
});
