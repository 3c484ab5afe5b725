// Picks the storage backend from explicit options, or from a loaded Config (web, worker).
import { type StorageConfigInput, storageOptionsFromConfig } from "./from-config";
import { createLocalStorage, type LocalStorage } from "./local";
import type { StorageOptions } from "./options";
import { createS3Storage, type S3Storage } from "./s3";

function isOptions(x: StorageOptions | StorageConfigInput): x is StorageOptions {
  return typeof (x as { backend?: unknown }).backend === "string";
}

// Creates the backend named by `opts.backend`, or the one a loaded Config selects.
export async function createStorage(
  opts: StorageOptions | StorageConfigInput,
): Promise<LocalStorage | S3Storage> {
  const o = isOptions(opts) ? opts : await storageOptionsFromConfig(opts);
  if (o.backend === "local") {
    const { backend: _b, ...local } = o;
    return createLocalStorage(local);
  }
  const { backend: _b, ...s3 } = o;
  return createS3Storage(s3);
}
