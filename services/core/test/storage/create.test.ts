import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { createStorage } from "../../src/storage/create";
import type { LocalStorage } from "../../src/storage/local";
import type { S3Storage } from "../../src/storage/s3";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "efs-create-storage-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createStorage", () => {
  it("builds the local backend from explicit options", async () => {
    const s = await createStorage({
      backend: "local",
      root: dir,
      signingSecret: "k",
      publicBaseUrl: "http://localhost:3000",
    });
    expect(s.backend).toBe("local");
    await s.put("tmp/x", "y");
    expect(await readFile(join(dir, "tmp", "x"), "utf8")).toBe("y");
  });

  it("builds the r2 backend from explicit options", async () => {
    const s = (await createStorage({
      backend: "r2",
      accountId: "0123456789abcdef0123456789abcdef",
      bucket: "efs-media",
      accessKeyId: "id",
      secretAccessKey: "secret",
    })) as S3Storage;
    expect(s.backend).toBe("r2");
    expect(s.endpoint).toBe("https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
    expect(await s.client.config.region()).toBe("auto");
    s.close();
  });

  it("builds the r2 backend of an eu bucket from a loaded config: signed URLs go to the eu endpoint", async () => {
    const config = loadConfig({
      STORAGE_BACKEND: "r2",
      R2_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
      R2_JURISDICTION: "eu",
      R2_ACCESS_KEY_ID: "id",
      R2_SECRET_ACCESS_KEY: "ab".repeat(32),
      R2_BUCKET_NAME: "efs-media",
      TURSO_DATABASE_URL: "libsql://efs-user.turso.io",
      TURSO_AUTH_TOKEN: "tok",
      MODAL_ENDPOINT_URL: "https://me--ethereal-submit.modal.run",
      MODAL_AUTH_TOKEN: "modal-token",
      INTERNAL_WEBHOOK_SECRET: "cd".repeat(32),
      NEXT_PUBLIC_APP_URL: "https://efs.vercel.app",
    });
    const s = (await createStorage(config)) as S3Storage;
    const host = "0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com";
    expect(s.endpoint).toBe(`https://${host}`);
    const url = new URL(await s.signGetUrl("renders/a.mp4", { expiresInSec: 60 }));
    expect(url.hostname).toBe(`efs-media.${host}`);
    s.close();
  });

  it("builds the local backend under <dataDir>/storage from a loaded config, signing with its key", async () => {
    const config = loadConfig({ EFS_DATA_DIR: dir, INTERNAL_WEBHOOK_SECRET: "ab".repeat(32) });
    const s = (await createStorage(config)) as LocalStorage;
    expect(s.root).toBe(join(dir, "storage"));
    const url = new URL(await s.signGetUrl("renders/a.mp4", { expiresInSec: 60 }));
    expect(url.origin).toBe("http://localhost:3000");
    const verdict = s.verifySignedRequest({
      method: "GET",
      key: "renders/a.mp4",
      query: url.searchParams,
    });
    expect(verdict.ok).toBe(true);
  });

  it("builds the S3 backend against S3_ENDPOINT_URL from a loaded config", async () => {
    const config = loadConfig({
      EFS_DATA_DIR: dir,
      STORAGE_BACKEND: "r2",
      S3_ENDPOINT_URL: "http://127.0.0.1:9",
      R2_ACCESS_KEY_ID: "abc",
      R2_SECRET_ACCESS_KEY: "def",
      R2_BUCKET_NAME: "efs-test",
    });
    const s = (await createStorage(config)) as S3Storage;
    expect(s.backend).toBe("r2");
    expect(s.endpoint).toBe("http://127.0.0.1:9");
    expect(s.bucket).toBe("efs-test");
    s.close();
  });
});
