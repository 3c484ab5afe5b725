// Maps a loaded Config onto explicit storage options (local root = <dataDir>/storage).
import { join } from "node:path";
import type { Config } from "../config";
import { resolveLocalStorageSecret } from "../config/local-secret";
import type { StorageOptions } from "./options";

/** The parts of Config storage needs. */
export type StorageConfigInput = Pick<
  Config,
  "backends" | "dataDir" | "appUrl" | "localStorageSecret" | "r2" | "s3EndpointUrl"
>;

/** Where the local backend keeps objects inside EFS_DATA_DIR. */
export const LOCAL_STORAGE_SUBDIR = "storage";

// Explicit createStorage options for the backend the config selected.
export async function storageOptionsFromConfig(
  config: StorageConfigInput,
): Promise<StorageOptions> {
  if (config.backends.storage === "local") {
    return {
      backend: "local",
      root: join(config.dataDir, LOCAL_STORAGE_SUBDIR),
      signingSecret: await resolveLocalStorageSecret(config as Config),
      publicBaseUrl: config.appUrl,
    };
  }
  const r2 = config.r2;
  if (!r2)
    throw new Error(
      "storage is r2 but the R2 variables are missing (R2_ACCOUNT_ID, R2_ACCESS_KEY_ID, …)",
    );
  return {
    backend: "r2",
    ...(config.s3EndpointUrl ? { endpoint: config.s3EndpointUrl } : {}),
    ...(r2.accountId ? { accountId: r2.accountId, jurisdiction: r2.jurisdiction } : {}),
    bucket: r2.bucketName,
    accessKeyId: r2.accessKeyId,
    secretAccessKey: r2.secretAccessKey,
  };
}
