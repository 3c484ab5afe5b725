import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3Server } from "../../../../test-support/s3-server";
import { createLocalStorage } from "../../src/storage/local";
import { createS3Storage } from "../../src/storage/s3";
import type { Storage } from "../../src/storage/types";

const GIB = 1024 * 1024 * 1024;
const CHUNK = 1024 * 1024;
/** Allowed growth of process RSS over the baseline while 1 GiB streams through. */
const MAX_GROWTH = 200 * 1024 * 1024;

// 1 GiB produced on demand (fresh 1 MiB buffers, each filled with its index), hashed as it goes.
function generated(): { stream: Readable; md5: () => string } {
  const hash = createHash("md5");
  let i = 0;
  const stream = new Readable({
    read() {
      if (i * CHUNK >= GIB) {
        this.push(null);
        return;
      }
      const buf = Buffer.allocUnsafe(CHUNK).fill(i & 0xff);
      buf.writeUInt32BE(i, 0);
      hash.update(buf);
      i++;
      this.push(buf);
    },
  });
  return { stream, md5: () => hash.digest("hex") };
}

async function drainHash(body: Readable): Promise<{ md5: string; bytes: number }> {
  const hash = createHash("md5");
  let bytes = 0;
  await pipeline(
    body,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        bytes += chunk.length;
        cb();
      },
    }),
  );
  return { md5: hash.digest("hex"), bytes };
}

// Runs `fn` while sampling RSS; returns the peak growth over the RSS measured just before.
async function peakRssGrowth(fn: () => Promise<void>): Promise<number> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return peak - baseline;
}

async function roundTrip(
  storage: Storage,
  key: string,
): Promise<{ putGrowth: number; getGrowth: number }> {
  const source = generated();
  const putGrowth = await peakRssGrowth(async () => {
    const info = await storage.put(key, source.stream, {
      contentType: "application/octet-stream",
      contentLength: GIB,
    });
    expect(info.size).toBe(GIB);
  });
  const expectedMd5 = source.md5();
  let got = { md5: "", bytes: 0 };
  const getGrowth = await peakRssGrowth(async () => {
    const res = await storage.get(key);
    expect(res.size).toBe(GIB);
    got = await drainHash(res.body);
  });
  expect(got).toEqual({ md5: expectedMd5, bytes: GIB });
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  process.stdout.write(
    `[1 GiB ${storage.backend}] rss growth put=${mb(putGrowth)} get=${mb(getGrowth)}\n`,
  );
  return { putGrowth, getGrowth };
}

describe("1 GiB objects stream with flat memory", () => {
  let root: string;
  let server: S3TestServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "efs-1gib-"));
    server = await startS3Server();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await server?.stop();
  });

  it("local backend: put and get 1 GiB with RSS growth under 200 MB", {
    timeout: 300_000,
  }, async () => {
    const storage = createLocalStorage({
      root,
      signingSecret: "k",
      publicBaseUrl: "http://localhost:3000",
    });
    const { putGrowth, getGrowth } = await roundTrip(storage, "renders/big/local.bin");
    expect(putGrowth).toBeLessThan(MAX_GROWTH);
    expect(getGrowth).toBeLessThan(MAX_GROWTH);
    await storage.delete("renders/big/local.bin");
  });

  it("S3 backend: multipart put and get 1 GiB with RSS growth under 200 MB", {
    timeout: 300_000,
  }, async () => {
    const storage = createS3Storage({
      endpoint: server.endpoint,
      bucket: server.bucket,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    });
    try {
      const { putGrowth, getGrowth } = await roundTrip(storage, "renders/big/s3.bin");
      expect(putGrowth).toBeLessThan(MAX_GROWTH);
      expect(getGrowth).toBeLessThan(MAX_GROWTH);
      await storage.delete("renders/big/s3.bin");
    } finally {
      storage.close();
    }
  });
});
