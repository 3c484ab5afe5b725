// Secrets efs generates once and keeps in the vault.
import { randomBytes } from "node:crypto";

const GENERATORS: Readonly<Record<string, () => string>> = Object.freeze({
  // 32 random bytes, hex: the 64-char webhook secret the catalog requires.
  INTERNAL_WEBHOOK_SECRET: () => randomBytes(32).toString("hex"),
  MODAL_AUTH_TOKEN: () => `mat_${randomBytes(32).toString("base64url")}`,
  STUDIO_ACCESS_KEY: () => `sk_${randomBytes(24).toString("base64url")}`,
});

// New values for the generated variables `names` that the vault does not have yet.
export function generateMissing(
  names: readonly string[],
  has: (n: string) => boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const gen = GENERATORS[n];
    if (gen && !has(n)) out[n] = gen();
  }
  return out;
}
