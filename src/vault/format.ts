// The vault file's shape (`.efs/vault.json`, format "efs-vault" v1) and its strict parser.
// Plain-text metadata (names, times, push records) is authenticated by the header MAC;
// values and the journal are AES-256-GCM ciphertexts.
import { EfsError } from "../errors";
import type { ScryptParams, Sealed } from "./crypto";

export const VAULT_FORMAT = "efs-vault";
export const VAULT_VERSION = 1;

/** Where a value was pushed and what was pushed (fingerprint of the value). */
export interface PushRecord {
  readonly fingerprint: string;
  // The target's own updatedAt for the variable, when its API reports one.
  readonly remoteUpdatedAt: string | null;
  readonly pushedAt: string;
}

export interface EntryRecord extends Sealed {
  readonly name: string;
  // The checklist section (or "manual", "import") that produced the value.
  readonly source: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly pushes: Readonly<Record<string, PushRecord>>;
}

export type KdfRecord = { readonly type: "raw" } | ({ readonly type: "scrypt" } & ScryptParams);

export interface VaultFile {
  readonly format: typeof VAULT_FORMAT;
  readonly version: number;
  readonly projectId: string;
  readonly kdf: KdfRecord;
  readonly keyId: string;
  readonly entries: readonly EntryRecord[];
  readonly journal: Sealed | null;
  readonly mac: string;
}

function corrupt(path: string, why: string): EfsError {
  return new EfsError(`The vault file ${path} is damaged: ${why}. Nothing was read from it`, {
    fix: `restore ${path} from your backup (see docs/vault.md); or move it away and re-create the values with efs env set / efs init`,
    code: "VAULT_CORRUPT",
  });
}

const isStr = (v: unknown): v is string => typeof v === "string";

// Parses and shape-checks the file text; throws VAULT_CORRUPT on anything unexpected.
export function parseVaultFile(text: string, path: string): VaultFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(
      path,
      text.length === 0 ? "it is empty" : `it is truncated or not JSON (${text.length} bytes)`,
    );
  }
  const f = raw as Partial<VaultFile> | null;
  if (!f || typeof f !== "object" || f.format !== VAULT_FORMAT)
    throw corrupt(path, "it is not an efs vault");
  if (typeof f.version !== "number") throw corrupt(path, "it has no format version");
  if (f.version > VAULT_VERSION) {
    throw new EfsError(
      `The vault ${path} was written by a newer efs (format v${f.version}; this efs reads v${VAULT_VERSION})`,
      {
        fix: "upgrade efs (npm install -g ethereal-flame-studio@latest) and retry",
        code: "VAULT_VERSION",
      },
    );
  }
  const kdf = f.kdf as Partial<KdfRecord & ScryptParams> | undefined;
  const kdfOk =
    kdf?.type === "raw" ||
    (kdf?.type === "scrypt" &&
      isStr(kdf.salt) &&
      Number.isInteger(kdf.N) &&
      Number.isInteger(kdf.r) &&
      Number.isInteger(kdf.p));
  if (
    !isStr(f.projectId) ||
    !isStr(f.keyId) ||
    !isStr(f.mac) ||
    !kdfOk ||
    !Array.isArray(f.entries)
  ) {
    throw corrupt(path, "its header is incomplete");
  }
  for (const e of f.entries as Partial<EntryRecord>[]) {
    const ok =
      e &&
      isStr(e.name) &&
      isStr(e.source) &&
      isStr(e.createdAt) &&
      isStr(e.updatedAt) &&
      isStr(e.nonce) &&
      isStr(e.ct) &&
      e.pushes &&
      typeof e.pushes === "object";
    if (!ok) throw corrupt(path, "an entry is incomplete");
  }
  const j = f.journal as Partial<Sealed> | null | undefined;
  if (j !== null && (!j || !isStr(j.nonce) || !isStr(j.ct)))
    throw corrupt(path, "its journal is incomplete");
  return f as VaultFile;
}

// The file body the MAC covers: everything except the MAC itself.
export function macBody(file: Omit<VaultFile, "mac">): Omit<VaultFile, "mac"> {
  const { format, version, projectId, kdf, keyId, entries, journal } = file;
  return { format, version, projectId, kdf, keyId, entries, journal };
}

// Associated data binding a value to its vault, name and format version.
export function valueAad(projectId: string, name: string): string {
  return `${VAULT_FORMAT}:v${VAULT_VERSION}:${projectId}:value:${name}`;
}

// Associated data for the journal blob.
export function journalAad(projectId: string): string {
  return `${VAULT_FORMAT}:v${VAULT_VERSION}:${projectId}:journal`;
}
