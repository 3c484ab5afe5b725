// Moving files between the job's temp dir and storage, streamed.
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { Storage } from "@efs/core/storage/types";
import { JobAbortedError } from "./errors";

// Uploads a local file under `key`; an abort (cancel) stops the upload half way and stores
// nothing (the backends discard an upload whose body fails).
export async function putFile(
  storage: Storage,
  key: string,
  path: string,
  contentType: string,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const { size } = await stat(path);
  const body = createReadStream(path);
  const stop = () => body.destroy(new JobAbortedError(`upload of ${key} stopped: job aborted`));
  signal?.addEventListener("abort", stop, { once: true });
  try {
    await storage.put(key, body, { contentType, contentLength: size });
  } finally {
    signal?.removeEventListener("abort", stop);
  }
  signal?.throwIfAborted();
}

// Uploads a JSON document under `key` (not started once `signal` fired).
export async function putJson(
  storage: Storage,
  key: string,
  value: unknown,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  await storage.put(key, JSON.stringify(value), { contentType: "application/json" });
}

// Downloads `key` into a local file.
export async function getFile(
  storage: Storage,
  key: string,
  path: string,
  signal?: AbortSignal,
): Promise<void> {
  const { body } = await storage.get(key);
  await pipeline(body, createWriteStream(path), { signal });
}
