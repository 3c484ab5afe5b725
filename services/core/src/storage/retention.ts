// Storage retention: objects under `uploads/` expire after N days. On R2 a bucket lifecycle
// rule does it (set by `efs init`); the local backend has no such rule, so the worker applies
// the same one with `sweepExpired` on a timer.
import type { Storage } from "./types";

/** The prefix the rule covers: browser uploads, which ingest copies into `audio/<job>/`. */
export const UPLOAD_PREFIX = "uploads/";
export const DEFAULT_UPLOAD_RETENTION_DAYS = 7;
export const MAX_UPLOAD_RETENTION_DAYS = 3650;
export const DAY_MS = 86_400_000;

export interface SweepResult {
  deleted: number;
  bytes: number;
}

// Deletes the objects under `prefix` last written more than `maxAgeMs` before `now`.
// Streams the listing; keys are collected per page-sized batch so deletes never race the walk.
export async function sweepExpired(
  storage: Pick<Storage, "list" | "delete">,
  opts: { prefix: string; maxAgeMs: number; now: number; batch?: number },
): Promise<SweepResult> {
  const cutoff = opts.now - opts.maxAgeMs;
  const batchSize = opts.batch ?? 500;
  let deleted = 0;
  let bytes = 0;
  for (;;) {
    const expired: { key: string; size: number }[] = [];
    for await (const o of storage.list(opts.prefix)) {
      if (o.updatedAt < cutoff) expired.push({ key: o.key, size: o.size });
      if (expired.length >= batchSize) break;
    }
    for (const o of expired) {
      await storage.delete(o.key);
      deleted++;
      bytes += o.size;
    }
    if (expired.length < batchSize) return { deleted, bytes };
  }
}
