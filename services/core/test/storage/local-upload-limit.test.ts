import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalStorage, type LocalStorage } from "../../src/storage/local";
import { receiveSignedUpload } from "../../src/storage/local-http";

let root: string;
let storage: LocalStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "efs-upload-limit-"));
  storage = createLocalStorage({
    root,
    signingSecret: "b2".repeat(32),
    publicBaseUrl: "http://app.test",
  });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("receiveSignedUpload", () => {
  it("answers 413 for an oversized body that is already buffered, with no unhandled error", async () => {
    const unhandled: unknown[] = [];
    const onError = (e: unknown) => unhandled.push(e);
    process.on("uncaughtException", onError);
    process.on("unhandledRejection", onError);
    try {
      // The whole body is enqueued at once and no Content-Length is sent, so the size
      // limiter fails on the first read — before anything else gets a chance to run.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(4096));
          controller.close();
        },
      });
      const request = new Request("http://app.test/api/storage/uploads/x/a.bin", {
        method: "PUT",
        headers: { "content-type": "application/octet-stream" },
        body,
        duplex: "half",
      } as RequestInit);
      const outcome = await receiveSignedUpload({
        storage,
        key: "uploads/x/a.bin",
        request,
        maxBytes: 100,
        contentType: "application/octet-stream",
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(outcome).toMatchObject({ ok: false, status: 413 });
      expect(unhandled).toEqual([]);
      expect(await storage.stat("uploads/x/a.bin")).toBeNull();
      expect(await readdir(join(root, ".efs-tmp"))).toEqual([]);
    } finally {
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
    }
  });
});
