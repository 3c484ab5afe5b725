// One redactor per process: every known secret value is masked in every output path.

// Names whose values are secrets even when they never enter the vault.
export const SECRET_ENV_NAMES = [
  "EFS_VAULT_KEY",
  "EFS_VAULT_PASSPHRASE",
  "CLOUDFLARE_API_TOKEN",
  "TURSO_API_TOKEN",
  "VERCEL_TOKEN",
  "RENDER_API_KEY",
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "MODAL_TOKEN_ID",
  "MODAL_TOKEN_SECRET",
] as const;

// Values shorter than this are not masked inside free text (too many false hits);
// they are still never printed by the vault commands, which mask whole values.
const MIN_SECRET_LENGTH = 6;

/** Replaces registered secret values (and their URL-encoded forms) in text. */
export class Redactor {
  readonly #secrets = new Map<string, string>();
  #pattern: RegExp | null = null;

  // Registers a secret; `label` names it in the mask (e.g. the variable name).
  add(value: string | undefined, label = "secret"): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    for (const form of new Set([
      value,
      encodeURIComponent(value),
      JSON.stringify(value).slice(1, -1),
    ])) {
      if (!this.#secrets.has(form)) {
        this.#secrets.set(form, `[redacted ${label}]`);
        this.#pattern = null;
      }
    }
  }

  // Registers the values of known secret env vars from `env`.
  addFromEnv(env: NodeJS.ProcessEnv, names: readonly string[] = SECRET_ENV_NAMES): void {
    for (const name of names) this.add(env[name], name);
  }

  // Number of distinct registered forms (for tests and --debug).
  get size(): number {
    return this.#secrets.size;
  }

  // Returns `text` with every registered secret replaced by its mask.
  redact(text: string): string {
    if (this.#secrets.size === 0 || text.length === 0) return text;
    if (!this.#pattern) {
      // Longest first so a secret containing another is masked whole.
      const forms = [...this.#secrets.keys()].sort((a, b) => b.length - a.length);
      this.#pattern = new RegExp(forms.map(escapeRegExp).join("|"), "g");
    }
    return text.replace(this.#pattern, (m) => this.#secrets.get(m) ?? "[redacted]");
  }

  // Redacts every string inside a JSON-like value (returns a copy).
  redactDeep<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
