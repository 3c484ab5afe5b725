// The S3 side of the vault's R2 bucket, for every command that reads or writes its objects
// (verify r2, status, destroy): one client, at the endpoint of the bucket's jurisdiction.
import type { R2Jurisdiction } from "@efs/core/r2";
import { createS3Storage, type S3Storage } from "@efs/core/storage/s3";

// An S3 client for the bucket the vault names, at R2_JURISDICTION's endpoint (core's r2Endpoint);
// EFS_R2_ENDPOINT points it at an S3-compatible stand-in instead (tests). The caller checks that
// the bucket and keys are in the vault; a bad value throws core's StorageError naming it.
export function openR2Storage(
  get: (name: string) => string | undefined,
  env: Readonly<NodeJS.ProcessEnv>,
): S3Storage {
  return createS3Storage({
    accountId: get("R2_ACCOUNT_ID"),
    // Validated by createS3Storage (and by the catalog when it entered the vault).
    jurisdiction: get("R2_JURISDICTION") as R2Jurisdiction | undefined,
    endpoint: env.EFS_R2_ENDPOINT || undefined,
    bucket: get("R2_BUCKET_NAME") ?? "",
    accessKeyId: get("R2_ACCESS_KEY_ID") ?? "",
    secretAccessKey: get("R2_SECRET_ACCESS_KEY") ?? "",
  });
}
