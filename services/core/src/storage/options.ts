// The explicit options createStorage takes: one variant per backend.
import type { LocalStorageOptions } from "./local";
import type { S3StorageOptions } from "./s3";

export type StorageOptions =
  | ({ backend: "local" } & LocalStorageOptions)
  | ({ backend: "r2" } & S3StorageOptions);
