// S3-protocol backend for Cloudflare R2 (and any S3 server, e.g. SeaweedFS in tests and `efs up --s3`).

import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { isR2Jurisdiction, R2_JURISDICTIONS, type R2Jurisdiction, r2Endpoint } from "../r2";
import { ByteCounter, toReadable } from "./body";
import { attachmentDisposition } from "./disposition";
import { StorageError } from "./errors";
import { assertValidKey, assertValidPrefix } from "./keys";
import { checkSignOptions, checkSignPutOptions } from "./sign-options";
import type { GetResult, ObjectInfo, SignedPut, Storage } from "./types";

/** A plain string or a wrapper (like core's Secret) that reveals it only on request. */
export type SecretInput = string | { reveal(): string };

export interface S3StorageOptions {
  /** Cloudflare account id (32 hex); with `jurisdiction` gives the R2 endpoint (r2Endpoint). */
  accountId?: string;
  /** The bucket's R2 jurisdiction (R2_JURISDICTION; default "default"); used with accountId. */
  jurisdiction?: R2Jurisdiction;
  /** Explicit S3 endpoint (SeaweedFS, MinIO, …); wins over accountId and turns on path-style URLs. */
  endpoint?: string;
  bucket: string;
  accessKeyId: SecretInput;
  secretAccessKey: SecretInput;
  /** Default "auto" (what R2 expects). */
  region?: string;
  /** Multipart part size (≥ 5 MiB; default 8 MiB). Memory per upload ≈ partSize × (queueSize + 1). */
  partSizeBytes?: number;
  /** Parts uploaded concurrently (default 4). */
  queueSize?: number;
}

export interface S3Storage extends Storage {
  readonly backend: "r2";
  readonly bucket: string;
  readonly endpoint: string;
  /** The underlying client, for checks that go beyond the Storage interface (CORS, probes). */
  readonly client: S3Client;
  /** Closes pooled sockets. */
  close(): void;
}

const MIN_PART = 5 * 1024 * 1024;
const DELETE_BATCH = 1000;

function reveal(s: SecretInput): string {
  return typeof s === "string" ? s : s.reveal();
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function errName(err: unknown): string | undefined {
  return (err as { name?: string })?.name;
}

function stripQuotes(etag: string | undefined): string | null {
  return etag ? etag.replace(/^W\//, "").replace(/^"|"$/g, "") : null;
}

function fail(message: string): never {
  throw new StorageError("InvalidOption", `s3 storage: ${message}`);
}

// Resolves the endpoint: explicit URL, else the R2 endpoint of the account in its jurisdiction.
function resolveEndpoint(opts: S3StorageOptions): { endpoint: string; pathStyle: boolean } {
  if (opts.endpoint) {
    let u: URL;
    try {
      u = new URL(opts.endpoint);
    } catch {
      fail(`endpoint must be an absolute http(s) URL (got ${JSON.stringify(opts.endpoint)})`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") fail("endpoint must use http or https");
    return { endpoint: opts.endpoint.replace(/\/+$/, ""), pathStyle: true };
  }
  if (!opts.accountId) fail("accountId (R2_ACCOUNT_ID) or endpoint is required");
  if (!/^[0-9a-f]{32}$/.test(opts.accountId)) {
    fail("accountId must be the 32-hex-character Cloudflare account id (R2_ACCOUNT_ID)");
  }
  const jurisdiction = opts.jurisdiction ?? "default";
  // Callers may pass an unchecked environment value (the renderer's R2_JURISDICTION).
  if (!isR2Jurisdiction(jurisdiction)) {
    fail(`jurisdiction (R2_JURISDICTION) must be one of ${R2_JURISDICTIONS.join(", ")}`);
  }
  return { endpoint: r2Endpoint(opts.accountId, jurisdiction), pathStyle: false };
}

// Creates the S3/R2 storage backend; no network traffic until the first call.
export function createS3Storage(opts: S3StorageOptions): S3Storage {
  const { endpoint, pathStyle } = resolveEndpoint(opts);
  const bucket = opts.bucket;
  if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    fail(
      `bucket must be 3–63 lowercase letters, digits, dots or hyphens (got ${JSON.stringify(bucket)})`,
    );
  }
  const accessKeyId = reveal(opts.accessKeyId);
  const secretAccessKey = reveal(opts.secretAccessKey);
  if (!accessKeyId) fail("accessKeyId (R2_ACCESS_KEY_ID) is empty");
  if (!secretAccessKey) fail("secretAccessKey (R2_SECRET_ACCESS_KEY) is empty");
  const partSize = opts.partSizeBytes ?? 8 * 1024 * 1024;
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART)
    fail(`partSizeBytes must be ≥ ${MIN_PART}`);
  const queueSize = opts.queueSize ?? 4;
  if (!Number.isInteger(queueSize) || queueSize < 1) fail("queueSize must be a positive integer");

  const client = new S3Client({
    endpoint,
    region: opts.region ?? "auto",
    forcePathStyle: pathStyle,
    credentials: { accessKeyId, secretAccessKey },
    // Newer SDK defaults add CRC checksums that R2 answered with 501 (PROVIDERS.md §4).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

  async function* list(prefix: string, pageSize: number): AsyncGenerator<ObjectInfo> {
    const pages = paginateListObjectsV2(
      { client, pageSize },
      { Bucket: bucket, Prefix: prefix, MaxKeys: pageSize },
    );
    for await (const page of pages) {
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield {
          key: o.Key,
          size: o.Size ?? 0,
          contentType: null,
          updatedAt: o.LastModified?.getTime() ?? 0,
          etag: stripQuotes(o.ETag),
        };
      }
    }
  }

  async function deleteBatch(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const out = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const errors = out.Errors ?? [];
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new Error(
        `s3 storage: ${errors.length} of ${keys.length} deletes failed (first: ${first.Key}: ${first.Code} ${first.Message ?? ""})`,
      );
    }
  }

  return {
    backend: "r2",
    bucket,
    endpoint,
    client,
    close: () => client.destroy(),

    async put(key, body, putOpts = {}) {
      assertValidKey(key);
      const expected = putOpts.contentLength;
      const counter = new ByteCounter(expected ?? null, null, expected !== undefined);
      const source = toReadable(body);
      // Stream through the counter; Upload buffers at most (queueSize + 1) parts.
      const counted = pipeline(source, counter, () => {});
      const upload = new Upload({
        client,
        params: {
          Bucket: bucket,
          Key: key,
          Body: counted as Readable,
          ...(putOpts.contentType !== undefined ? { ContentType: putOpts.contentType } : {}),
        },
        partSize,
        queueSize,
        leavePartsOnError: false,
      });
      try {
        const out = await upload.done();
        return {
          key,
          size: counter.bytes,
          contentType: putOpts.contentType ?? null,
          updatedAt: Date.now(),
          etag: stripQuotes(out.ETag),
        };
      } catch (err) {
        source.destroy();
        const cause = (err as { cause?: unknown })?.cause;
        if (err instanceof StorageError) throw err;
        if (cause instanceof StorageError) throw cause;
        throw err;
      }
    },

    async get(key, getOpts = {}): Promise<GetResult> {
      assertValidKey(key);
      const r = getOpts.range;
      if (r) {
        if (
          !Number.isSafeInteger(r.start) ||
          r.start < 0 ||
          (r.end !== undefined && r.end < r.start)
        ) {
          throw new StorageError(
            "InvalidRange",
            `invalid range ${r.start}-${r.end ?? ""} for ${JSON.stringify(key)}`,
          );
        }
      }
      try {
        const out = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(r ? { Range: `bytes=${r.start}-${r.end ?? ""}` } : {}),
          }),
        );
        const size = out.ContentLength ?? 0;
        let totalSize = size;
        let range: { start: number; end: number } | null = null;
        const m = out.ContentRange ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange) : null;
        if (m) {
          range = { start: Number(m[1]), end: Number(m[2]) };
          totalSize = Number(m[3]);
        }
        return {
          body: out.Body as Readable,
          size,
          totalSize,
          contentType: out.ContentType ?? null,
          range,
        };
      } catch (err) {
        if (errName(err) === "NoSuchKey" || httpStatus(err) === 404) {
          throw new StorageError("NotFound", `no object at ${JSON.stringify(key)}`, { cause: err });
        }
        if (errName(err) === "InvalidRange" || httpStatus(err) === 416) {
          throw new StorageError(
            "InvalidRange",
            `range ${r?.start}-${r?.end ?? ""} is outside ${JSON.stringify(key)}`,
            {
              cause: err,
            },
          );
        }
        throw err;
      }
    },

    async stat(key) {
      assertValidKey(key);
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          key,
          size: out.ContentLength ?? 0,
          contentType: out.ContentType ?? null,
          updatedAt: out.LastModified?.getTime() ?? 0,
          etag: stripQuotes(out.ETag),
        };
      } catch (err) {
        if (errName(err) === "NotFound" || errName(err) === "NoSuchKey" || httpStatus(err) === 404)
          return null;
        throw err;
      }
    },

    async delete(key) {
      assertValidKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async deletePrefix(prefix) {
      assertValidPrefix(prefix);
      let batch: string[] = [];
      let count = 0;
      for await (const o of list(prefix, DELETE_BATCH)) {
        batch.push(o.key);
        if (batch.length === DELETE_BATCH) {
          await deleteBatch(batch);
          count += batch.length;
          batch = [];
        }
      }
      await deleteBatch(batch);
      return count + batch.length;
    },

    // Validates eagerly (throws on the call), then pages lazily.
    list: (prefix, listOpts) => list(assertValidPrefix(prefix), listOpts?.pageSize ?? 1000),

    async signGetUrl(key, signOpts) {
      assertValidKey(key);
      checkSignOptions(signOpts.expiresInSec);
      const cmd = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(signOpts.downloadName !== undefined
          ? { ResponseContentDisposition: attachmentDisposition(signOpts.downloadName) }
          : {}),
      });
      return getSignedUrl(client, cmd, { expiresIn: signOpts.expiresInSec });
    },

    // Presigned PUT pinning Content-Length and Content-Type as signed headers (see docs/core-storage.md).
    async signPutUrl(key, signOpts): Promise<SignedPut> {
      assertValidKey(key);
      if (signOpts.contentLength === undefined) {
        throw new StorageError(
          "InvalidOption",
          "signPutUrl on r2 needs contentLength (the exact file size the client will upload) so the server can enforce maxBytes",
        );
      }
      const { exp, limit } = checkSignPutOptions(signOpts);
      // Length, type and `If-None-Match: *` are signed headers: the server refuses another
      // size (a 0-byte PUT included) or type, and any PUT once the object exists, so the URL
      // stores one file once and can never replace it (R2 and S3 honour conditional PUTs).
      const cmd = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentType: signOpts.contentType,
        ContentLength: limit,
        IfNoneMatch: "*",
      });
      const url = await getSignedUrl(client, cmd, {
        expiresIn: signOpts.expiresInSec,
        signableHeaders: new Set(["content-type", "content-length", "if-none-match"]),
      });
      return {
        method: "PUT",
        url,
        headers: {
          "Content-Type": signOpts.contentType,
          "Content-Length": String(limit),
          "If-None-Match": "*",
        },
        expiresAt: exp * 1000,
        maxBytes: limit,
      };
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
  };
}
