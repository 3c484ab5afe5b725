// Where the vault key comes from, in order: EFS_VAULT_KEY (32 bytes, hex or base64), the
// key file in the user's config dir ($XDG_CONFIG_HOME/efs/keys/<project id>.key, 0600,
// created on first use), or a passphrase (EFS_VAULT_PASSPHRASE or a hidden prompt) via
// scrypt. No OS keyring, so it works headless.

import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { EfsError, systemError } from "../errors";
import { deriveKeys, KEY_BYTES, newScryptParams, scryptKey, type VaultKeys } from "./crypto";
import type { KdfRecord } from "./format";

export interface KeySources {
  readonly env: Readonly<NodeJS.ProcessEnv>;
  // Asks for the passphrase (hidden prompt); throws naming EFS_VAULT_PASSPHRASE when it cannot.
  readonly askPassphrase?: (message: string) => Promise<string>;
}

/** A resolved key and a human description of where it came from (never the key). */
export interface ResolvedKey {
  readonly keys: VaultKeys;
  readonly source: string;
}

// The efs config dir: $XDG_CONFIG_HOME/efs, else ~/.config/efs.
function configDir(env: Readonly<NodeJS.ProcessEnv>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "efs");
}

// The key file of a project.
export function keyFilePath(env: Readonly<NodeJS.ProcessEnv>, projectId: string): string {
  return join(configDir(env), "keys", `${projectId}.key`);
}

// Decodes a 32-byte key given as 64 hex characters or base64/base64url.
function decodeKey(text: string, origin: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === KEY_BYTES) return b;
  }
  throw new EfsError(
    `${origin} is not a vault key: expected 32 bytes as 64 hex characters or base64 (got ${t.length} characters)`,
    {
      fix: `copy the key exactly as printed by efs vault key --reveal (or as stored in the key file)`,
      code: "VAULT_KEY_INVALID",
    },
  );
}

function readKeyFile(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  return decodeKey(text, `The key file ${path}`);
}

function wrongKey(source: string, expected: string, got: string): EfsError {
  return new EfsError(
    `The vault key from ${source} does not open this vault (key id ${got}; the vault was written with key id ${expected})`,
    {
      fix: "set EFS_VAULT_KEY to this project's key, or restore the project's key file (see docs/vault.md)",
      code: "VAULT_WRONG_KEY",
    },
  );
}

async function passphrase(src: KeySources, message: string): Promise<string> {
  const p = src.env.EFS_VAULT_PASSPHRASE;
  if (p !== undefined && p !== "") return p;
  if (!src.askPassphrase) {
    throw new EfsError("The vault is protected by a passphrase and none was given", {
      fix: "set EFS_VAULT_PASSPHRASE (or EFS_VAULT_KEY) or run in a terminal",
      code: "VAULT_KEY_MISSING",
      exitCode: 2,
    });
  }
  return src.askPassphrase(message);
}

// Resolves the key of an existing vault and checks it against the header's key id.
export async function keyForExisting(
  header: { projectId: string; kdf: KdfRecord; keyId: string },
  src: KeySources,
): Promise<ResolvedKey> {
  const check = (keys: VaultKeys, source: string): ResolvedKey => {
    if (keys.id !== header.keyId) throw wrongKey(source, header.keyId, keys.id);
    return { keys, source };
  };
  const envKey = src.env.EFS_VAULT_KEY;
  if (envKey) return check(deriveKeys(decodeKey(envKey, "EFS_VAULT_KEY")), "EFS_VAULT_KEY");
  if (header.kdf.type === "scrypt") {
    const keys = deriveKeys(await scryptKey(await passphrase(src, "Vault passphrase"), header.kdf));
    if (keys.id !== header.keyId) {
      throw new EfsError("The vault passphrase is wrong", {
        fix: "retry with the right passphrase (EFS_VAULT_PASSPHRASE), or set EFS_VAULT_KEY",
        code: "VAULT_WRONG_KEY",
      });
    }
    return { keys, source: "passphrase" };
  }
  const path = keyFilePath(src.env, header.projectId);
  const fileKey = readKeyFile(path);
  if (!fileKey) {
    throw new EfsError(
      `No key for this vault: EFS_VAULT_KEY is not set and the key file ${path} does not exist`,
      {
        fix: `set EFS_VAULT_KEY (CI) or restore the key file ${path} from your backup (see docs/vault.md)`,
        code: "VAULT_KEY_MISSING",
      },
    );
  }
  return check(deriveKeys(fileKey), `the key file ${path}`);
}

// Chooses the key for a new vault: EFS_VAULT_KEY, a passphrase when EFS_VAULT_PASSPHRASE is
// set, else a new random key written to the user's key file.
export async function keyForNew(
  projectId: string,
  src: KeySources,
): Promise<ResolvedKey & { kdf: KdfRecord }> {
  const envKey = src.env.EFS_VAULT_KEY;
  if (envKey)
    return {
      keys: deriveKeys(decodeKey(envKey, "EFS_VAULT_KEY")),
      source: "EFS_VAULT_KEY",
      kdf: { type: "raw" },
    };
  if (src.env.EFS_VAULT_PASSPHRASE) {
    const params = newScryptParams();
    const keys = deriveKeys(await scryptKey(src.env.EFS_VAULT_PASSPHRASE, params));
    return { keys, source: "passphrase", kdf: { type: "scrypt", ...params } };
  }
  const path = keyFilePath(src.env, projectId);
  const existing = readKeyFile(path);
  const key = existing ?? randomBytes(KEY_BYTES);
  if (!existing) {
    try {
      mkdirSync(join(configDir(src.env), "keys"), { recursive: true, mode: 0o700 });
      writeFileSync(path, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (e) {
      throw (
        systemError(
          e,
          "or set XDG_CONFIG_HOME to a folder you own, or EFS_VAULT_KEY (then no key file is written)",
        ) ?? e
      );
    }
  }
  return { keys: deriveKeys(key), source: `the key file ${path}`, kdf: { type: "raw" } };
}
