import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalStorage, type LocalStorage } from "../../src/storage/local";
import { DAY_MS, sweepExpired, UPLOAD_PREFIX } from "../../src/storage/retention";
import { storageUsage } from "../../src/storage/usage";

let root: string;
let storage: LocalStorage;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "efs-retention-"));
  storage = createLocalStorage({
    root,
    signingSecret: "s".repeat(64),
    publicBaseUrl: "http://localhost:3000",
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const NOW = Date.now();
async function putAged(key: string, body: string, days: number): Promise<void> {
  await storage.put(key, body);
  const t = new Date(NOW - days * DAY_MS);
  await utimes(join(root, ...key.split("/")), t, t);
}

describe("storage usage and upload retention", () => {
  it("counts objects and bytes per prefix", async () => {
    await storage.put("uploads/a/x.wav", "12345");
    await storage.put("uploads/b/y.wav", "123");
    await storage.put("renders/j/out.mp4", "1234567890");
    const usage = await storageUsage(storage, ["uploads/", "audio/", "renders/"]);
    expect(usage).toEqual([
      { prefix: "uploads/", objects: 2, bytes: 8 },
      { prefix: "audio/", objects: 0, bytes: 0 },
      { prefix: "renders/", objects: 1, bytes: 10 },
    ]);
  });

  it("deletes only uploads/ objects older than the limit, in batches", async () => {
    for (let i = 0; i < 7; i++) await putAged(`uploads/old${i}/a.wav`, "old", 8);
    await putAged("uploads/fresh/a.wav", "fresh", 6);
    await putAged("audio/old/master.wav", "kept", 30);
    const r = await sweepExpired(storage, {
      prefix: UPLOAD_PREFIX,
      maxAgeMs: 7 * DAY_MS,
      now: NOW,
      batch: 3,
    });
    expect(r).toEqual({ deleted: 7, bytes: 21 });
    const left = await storageUsage(storage, ["uploads/", "audio/"]);
    expect(left).toEqual([
      { prefix: "uploads/", objects: 1, bytes: 5 },
      { prefix: "audio/", objects: 1, bytes: 4 },
    ]);
  });
});
