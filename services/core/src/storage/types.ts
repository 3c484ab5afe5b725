// One storage interface with two backends: local files (embedded default) and S3/R2.
import type { Readable } from "node:stream";

export type StorageBackendName = "local" | "r2";

export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string | null;
  updatedAt: number;
  etag: string | null;
}

export interface GetResult {
  body: Readable;
  /** Bytes in this response (the range length when ranged). */
  size: number;
  /** Whole object size. */
  totalSize: number;
  contentType: string | null;
  range: { start: number; end: number } | null;
}

export interface SignedPut {
  method: "PUT";
  url: string;
  /** Headers the client must send unchanged (Content-Type, and length where enforced). */
  headers: Record<string, string>;
  expiresAt: number;
  maxBytes: number;
}

export interface Storage {
  readonly backend: StorageBackendName;
  put(
    key: string,
    body: Readable | Uint8Array | string,
    opts?: { contentType?: string; contentLength?: number },
  ): Promise<ObjectInfo>;
  get(key: string, opts?: { range?: { start: number; end?: number } }): Promise<GetResult>;
  stat(key: string): Promise<ObjectInfo | null>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<number>;
  /** Objects whose key starts with `prefix`, in key order. Throws on the call for an invalid prefix. */
  list(prefix: string, opts?: { pageSize?: number }): AsyncIterable<ObjectInfo>;
  signGetUrl(key: string, opts: { expiresInSec: number; downloadName?: string }): Promise<string>;
  signPutUrl(
    key: string,
    opts: { expiresInSec: number; contentType: string; maxBytes: number; contentLength?: number },
  ): Promise<SignedPut>;
  /** Cheap reachability check for /api/health (head-bucket or a stat of the data dir). */
  ping(): Promise<void>;
}
