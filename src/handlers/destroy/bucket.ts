// The R2 bucket's contents through S3 (the vault's R2 keys): counted for the plan and deleted
// before the bucket, one listing page at a time — never the whole listing in memory.
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { S3Storage } from "@efs/core/storage/s3";
import { openR2Storage } from "../../stack/r2-storage";
import type { VaultState } from "../../vault/state";

/** S3's most keys per ListObjectsV2 page and per DeleteObjects call. */
const PAGE = 1000;

// An S3 client for the vault's bucket, or null when its keys are not in the vault.
export function openBucket(
  state: VaultState,
  env: Readonly<NodeJS.ProcessEnv>,
): (S3Storage & { bucketName: string }) | null {
  const get = (n: string) => state.get(n);
  const bucket = get("R2_BUCKET_NAME");
  if (!bucket || !get("R2_ACCESS_KEY_ID") || !get("R2_SECRET_ACCESS_KEY")) return null;
  const storage = openR2Storage(get, env);
  return Object.assign(storage, { bucketName: bucket });
}

// Objects and bytes in the whole bucket (paged listing, constant memory).
export async function countBucket(
  client: S3Client,
  bucket: string,
  signal?: AbortSignal,
): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, MaxKeys: PAGE, ContinuationToken: token }),
      { abortSignal: signal },
    );
    for (const o of page.Contents ?? []) {
      objects++;
      bytes += o.Size ?? 0;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { objects, bytes };
}

export interface EmptyProgress {
  deleted: number;
  bytes: number;
  // Keys in the batch just deleted (≤ pageSize): what one step holds in memory.
  batch: number;
}

// Deletes every object (and aborts unfinished multipart uploads): list one page, delete it,
// repeat until the listing is empty. Resumable: a re-run deletes what is left.
export async function emptyBucket(
  client: S3Client,
  bucket: string,
  opts: { pageSize?: number; signal?: AbortSignal; onProgress?: (p: EmptyProgress) => void } = {},
): Promise<{ deleted: number; bytes: number }> {
  const pageSize = opts.pageSize ?? PAGE;
  let deleted = 0;
  let bytes = 0;
  for (;;) {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, MaxKeys: pageSize }),
      {
        abortSignal: opts.signal,
      },
    );
    const keys = (page.Contents ?? []).filter((o) => o.Key !== undefined);
    if (keys.length === 0) break;
    const res = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map((o) => ({ Key: o.Key! })), Quiet: true },
      }),
      { abortSignal: opts.signal },
    );
    if (res.Errors?.length) {
      const e = res.Errors[0]!;
      throw new Error(
        `deleting objects from ${bucket} failed for ${res.Errors.length} key(s), e.g. ${e.Key}: ${e.Code} ${e.Message ?? ""}`.trim(),
      );
    }
    deleted += keys.length;
    bytes += keys.reduce((n, o) => n + (o.Size ?? 0), 0);
    opts.onProgress?.({ deleted, bytes, batch: keys.length });
  }
  await abortUploads(client, bucket, opts.signal);
  return { deleted, bytes };
}

// Unfinished multipart uploads keep a bucket from being deleted on some servers.
async function abortUploads(client: S3Client, bucket: string, signal?: AbortSignal): Promise<void> {
  for (let round = 0; round < 1000; round++) {
    let uploads: { Key?: string; UploadId?: string }[];
    try {
      const res = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }), {
        abortSignal: signal,
      });
      uploads = res.Uploads ?? [];
    } catch (e) {
      if ((e as { name?: string }).name === "NotImplemented") return;
      throw e;
    }
    if (uploads.length === 0) return;
    for (const u of uploads) {
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }),
        { abortSignal: signal },
      );
    }
  }
}
