// The local storage backend's URL-signing key when neither LOCAL_STORAGE_SECRET nor
// INTERNAL_WEBHOOK_SECRET is set: a random key kept in the data dir, so every process that
// shares the data dir (web app, worker) signs and checks URLs with the same key.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config";
import { Secret } from "../secret";

export const LOCAL_KEY_FILE = "local-storage.key";

// config.localStorageSecret, else the data dir's key file (created once, mode 0600).
export async function resolveLocalStorageSecret(
  config: Pick<Config, "localStorageSecret" | "dataDir">,
): Promise<Secret> {
  if (config.localStorageSecret) return config.localStorageSecret;
  await mkdir(config.dataDir, { recursive: true });
  const file = join(config.dataDir, LOCAL_KEY_FILE);
  try {
    await writeFile(file, randomBytes(32).toString("hex"), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = (await readFile(file, "utf8")).trim();
  if (!/^[0-9a-f]{64}$/.test(key)) {
    throw new Error(`${file} is not a 64-hex key; delete it to generate a new one`);
  }
  return new Secret(key);
}
