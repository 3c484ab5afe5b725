// Moving files between the job's temp dir and storage, streamed.
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { Storage } from "@efs/core/storage/types";

// Uploads a local file under `key`.
export async function putFile(
  storage: Storage,
  key: string,
  path: string,
  contentType: string,
): Promise<void> {
  const { size } = await stat(path);
  await storage.put(key, createReadStream(path), { contentType, contentLength: size });
}

// Uploads a JSON document under `key`.
export async function putJson(storage: Storage, key: string, value: unknown): Promise<void> {
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
