// The local studio's generated secrets, kept in the data dir (mode 0600) so a restart keeps
// signed URLs, webhooks and the renderer token working against the same data.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Generated once per data dir. */
export interface LocalSecrets {
  readonly INTERNAL_WEBHOOK_SECRET: string;
  readonly LOCAL_STORAGE_SECRET: string;
  readonly RENDERER_AUTH_TOKEN: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

// Reads the secrets file, creating it (0600) with fresh values when missing or incomplete.
export function loadOrCreateSecrets(file: string): LocalSecrets {
  let existing: Partial<LocalSecrets> = {};
  try {
    existing = JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`${file} is not valid JSON; delete it to generate new local secrets`);
    }
  }
  const secrets: LocalSecrets = {
    INTERNAL_WEBHOOK_SECRET: valid(existing.INTERNAL_WEBHOOK_SECRET) ?? hex(32),
    LOCAL_STORAGE_SECRET: valid(existing.LOCAL_STORAGE_SECRET) ?? hex(32),
    RENDERER_AUTH_TOKEN: valid(existing.RENDERER_AUTH_TOKEN) ?? hex(24),
  };
  const changed = (Object.keys(secrets) as (keyof LocalSecrets)[]).some(
    (k) => existing[k] !== secrets[k],
  );
  if (changed) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  }
  chmodSync(file, 0o600);
  return Object.freeze(secrets);
}

function valid(v: unknown): string | null {
  return typeof v === "string" && /^[0-9a-f]{48,64}$/.test(v) ? v : null;
}
