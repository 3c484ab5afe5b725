// The vault's cryptography (node:crypto only): sub-keys derived with HKDF from one 32-byte
// master key; AES-256-GCM per value with a random 96-bit nonce and the value's name bound
// as associated data; HMAC-SHA256 over the canonical file body; keyed value fingerprints.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from "node:crypto";

export const KEY_BYTES = 32;

/** Sub-keys of one master key. */
export interface VaultKeys {
  readonly id: string;
  // The master key itself (for `efs vault key --reveal` backups only).
  readonly master: Buffer;
  readonly enc: Buffer;
  readonly mac: Buffer;
  readonly fingerprint: Buffer;
}

/** scrypt parameters stored in the vault header for passphrase-protected vaults. */
export interface ScryptParams {
  readonly salt: string;
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

function sub(master: Uint8Array, label: string, length = 32): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `efs-vault/${label}`, length));
}

// Derives the encryption, MAC and fingerprint keys plus a public key id from `master`.
export function deriveKeys(master: Uint8Array): VaultKeys {
  if (master.length !== KEY_BYTES) throw new Error(`vault key must be ${KEY_BYTES} bytes`);
  return {
    id: sub(master, "key-id", 8).toString("hex"),
    master: Buffer.from(master),
    enc: sub(master, "enc"),
    mac: sub(master, "mac"),
    fingerprint: sub(master, "fingerprint"),
  };
}

// Fresh scrypt parameters (N=2^15, r=8, p=1: ~32 MiB, ~0.1 s).
export function newScryptParams(): ScryptParams {
  return { salt: randomBytes(16).toString("base64"), N: 2 ** 15, r: 8, p: 1 };
}

// Derives the 32-byte master key from a passphrase.
export function scryptKey(passphrase: string, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize("NFC"),
      Buffer.from(params.salt, "base64"),
      KEY_BYTES,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** One encrypted value: base64 nonce and base64 ciphertext||tag. */
export interface Sealed {
  readonly nonce: string;
  readonly ct: string;
}

// Encrypts `plaintext` with AES-256-GCM bound to `aad`.
export function seal(keys: VaultKeys, plaintext: string, aad: string): Sealed {
  const nonce = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", keys.enc, nonce);
  c.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final(), c.getAuthTag()]);
  return { nonce: nonce.toString("base64"), ct: ct.toString("base64") };
}

// Decrypts a sealed value; returns null when it fails authentication.
export function open(keys: VaultKeys, sealed: Sealed, aad: string): string | null {
  try {
    const nonce = Buffer.from(sealed.nonce, "base64");
    const data = Buffer.from(sealed.ct, "base64");
    if (nonce.length !== 12 || data.length < 16) return null;
    const d = createDecipheriv("aes-256-gcm", keys.enc, nonce);
    d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString(
      "utf8",
    );
  } catch {
    return null;
  }
}

// HMAC-SHA256 (hex) of `body` under the MAC key.
export function mac(keys: VaultKeys, body: string): string {
  return createHmac("sha256", keys.mac).update(body, "utf8").digest("hex");
}

// Constant-time comparison of two hex MACs.
export function macEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

// A keyed fingerprint of a variable's value (32 hex chars): comparable, not reversible.
export function fingerprint(keys: VaultKeys, name: string, value: string): string {
  return createHmac("sha256", keys.fingerprint)
    .update(`${name}\0${value}`, "utf8")
    .digest("hex")
    .slice(0, 32);
}

// JSON with object keys sorted, so the MAC does not depend on formatting or key order.
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
