// One redactor per process: every known secret value is masked in every output path.
//
// Matching is plain substring search (String#indexOf) per registered form, never one
// pattern built from the secrets: a RegExp source is capped at 32 KiB, and when the cap is
// hit the engine's error message quotes the whole pattern — every secret at once. Every
// occurrence of every form is found in the original text, overlapping ones included, and
// the union of those ranges is masked, so no part of a secret survives next to a mask.

// Names whose values are secrets even when they never enter the vault.
const SECRET_ENV_NAMES = [
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

interface Form {
  readonly text: string;
  readonly mask: string;
  // The smallest period of `text`: two occurrences can overlap only by a shift ≥ this.
  readonly period: number;
}

/** Replaces registered secret values (and their URL-encoded and JSON-escaped forms) in text. */
export class Redactor {
  readonly #forms = new Map<string, Form>();
  // Forms longest first, rebuilt lazily after add().
  #sorted: Form[] | null = null;

  // Registers a secret; `label` names it in the mask (e.g. the variable name).
  add(value: string | undefined, label = "secret"): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    for (const text of new Set([value, encodeForm(value), JSON.stringify(value).slice(1, -1)])) {
      if (this.#forms.has(text)) continue;
      this.#forms.set(text, { text, mask: `[redacted ${label}]`, period: smallestPeriod(text) });
      this.#sorted = null;
    }
  }

  // Registers the values of known secret env vars from `env`.
  addFromEnv(env: NodeJS.ProcessEnv, names: readonly string[] = SECRET_ENV_NAMES): void {
    for (const name of names) this.add(env[name], name);
  }

  // Number of distinct registered forms (for tests and --debug).
  get size(): number {
    return this.#forms.size;
  }

  // Returns `text` with every registered secret replaced by its mask.
  redact(text: string): string {
    if (this.#forms.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    this.#sorted ??= [...this.#forms.values()].sort((a, b) => b.text.length - a.text.length);
    const hits: Hit[] = [];
    for (const form of this.#sorted) {
      if (form.text.length <= text.length) findAll(text, form, hits);
    }
    if (hits.length === 0) return text;
    return applyMasks(text, hits);
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

interface Hit {
  start: number;
  end: number;
  form: Form;
}

// URL-encoded form; a lone surrogate cannot be URL-encoded, so such a value has no URL form.
function encodeForm(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

// Appends the ranges covered by every occurrence of `form` in `text`, merging overlapping
// occurrences into one range. A run of overlapping occurrences is extended by comparing
// only the period-long tail, so a periodic secret in periodic text stays linear.
function findAll(text: string, form: Form, hits: Hit[]): void {
  const m = form.text.length;
  const p = form.period;
  const tail = p < m ? form.text.slice(m - p) : "";
  let i = text.indexOf(form.text);
  while (i !== -1) {
    let end = i + m;
    if (tail) while (text.startsWith(tail, end)) end += p;
    hits.push({ start: i, end, form });
    // The last occurrence of the run starts at end - m; another one starts after it.
    i = text.indexOf(form.text, end - m + 1);
  }
}

// Masks the union of the hit ranges; a merged range carries the mask of its longest form.
function applyMasks(text: string, hits: Hit[]): string {
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let pos = 0;
  let cur: Hit | undefined;
  for (const h of hits) {
    if (cur && h.start <= cur.end) {
      if (h.end > cur.end) cur.end = h.end;
      if (h.form.text.length > cur.form.text.length) cur.form = h.form;
      continue;
    }
    if (cur) {
      out += text.slice(pos, cur.start) + cur.form.mask;
      pos = cur.end;
    }
    cur = { ...h };
  }
  if (cur) out += text.slice(pos, cur.start) + cur.form.mask;
  return out + text.slice(cur ? cur.end : pos);
}

// The smallest p such that s[i] === s[i + p] for every i (KMP failure function), O(length).
function smallestPeriod(s: string): number {
  const n = s.length;
  const fail = new Int32Array(n);
  let k = 0;
  for (let i = 1; i < n; i++) {
    while (k > 0 && s.charCodeAt(i) !== s.charCodeAt(k)) k = fail[k - 1] ?? 0;
    if (s.charCodeAt(i) === s.charCodeAt(k)) k++;
    fail[i] = k;
  }
  return n - (fail[n - 1] ?? 0);
}
