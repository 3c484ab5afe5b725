// The env tracking table as data: every variable the checklist produces, where it comes
// from, how it is validated and which deploy targets need it. One source of truth for
// @efs/core's config parser and for the efs CLI's vault, `env push` and `verify`.
import { isR2Jurisdiction, R2_JURISDICTIONS } from "./r2";

export const SECTIONS = ["r2", "turso", "modal", "webhook", "vercel", "render", "github"] as const;
export type Section = (typeof SECTIONS)[number];

// Where a variable is pushed. Modal secrets are named after the secret that holds them.
export const TARGETS = [
  "vercel",
  "render",
  "modal:r2-credentials",
  "modal:ethereal-auth",
  "github",
] as const;
export type Target = (typeof TARGETS)[number];

export type FormatName =
  | "hex64"
  | "libsqlUrl"
  | "httpsUrl"
  | "appUrl"
  | "token"
  | "bucketName"
  | "accountId"
  | "r2Jurisdiction"
  | "fixed";

export interface CatalogEntry {
  readonly name: string;
  readonly section: Section | "generated" | "fixed";
  readonly format: FormatName;
  readonly secret: boolean;
  readonly targets: readonly Target[];
  readonly optional?: boolean;
  readonly fixedValue?: string;
  readonly description: string;
}

const entry = (e: CatalogEntry): CatalogEntry => Object.freeze(e);

export const ENV_CATALOG: readonly CatalogEntry[] = Object.freeze([
  entry({
    name: "R2_ACCOUNT_ID",
    section: "r2",
    format: "accountId",
    secret: false,
    targets: ["vercel", "render", "modal:r2-credentials"],
    description: "Cloudflare account id (32 hex chars)",
  }),
  entry({
    name: "R2_ACCESS_KEY_ID",
    section: "r2",
    format: "token",
    secret: true,
    targets: ["vercel", "render", "modal:r2-credentials"],
    description: "R2 S3 access key id (the API token's id)",
  }),
  entry({
    name: "R2_SECRET_ACCESS_KEY",
    section: "r2",
    format: "hex64",
    secret: true,
    targets: ["vercel", "render", "modal:r2-credentials"],
    description: "R2 S3 secret (SHA-256 hex of the API token value)",
  }),
  entry({
    name: "R2_BUCKET_NAME",
    section: "r2",
    format: "bucketName",
    secret: false,
    targets: ["vercel", "render", "modal:r2-credentials"],
    description: "R2 bucket holding audio and renders",
  }),
  entry({
    name: "R2_JURISDICTION",
    section: "r2",
    format: "r2Jurisdiction",
    secret: false,
    targets: ["vercel", "render", "modal:r2-credentials"],
    // Unset means default: vaults from before this variable, and hand-made stacks, still work.
    optional: true,
    description:
      "R2 jurisdiction of the bucket: default, eu or fedramp (unset = default); picks the S3 endpoint",
  }),
  entry({
    name: "TURSO_DATABASE_URL",
    section: "turso",
    format: "libsqlUrl",
    secret: false,
    targets: ["vercel", "render"],
    description: "Job store URL (libsql://<hostname>)",
  }),
  entry({
    name: "TURSO_AUTH_TOKEN",
    section: "turso",
    format: "token",
    secret: true,
    targets: ["vercel", "render"],
    description: "Turso database token",
  }),
  entry({
    name: "MODAL_ENDPOINT_URL",
    section: "modal",
    format: "httpsUrl",
    secret: false,
    targets: ["vercel", "render"],
    description: "Modal submit endpoint (…--ethereal-submit.modal.run)",
  }),
  entry({
    name: "MODAL_STATUS_URL",
    section: "modal",
    format: "httpsUrl",
    secret: false,
    targets: ["vercel", "render"],
    optional: true,
    description: "Modal status endpoint (derived from MODAL_ENDPOINT_URL when absent)",
  }),
  entry({
    name: "MODAL_AUTH_TOKEN",
    section: "generated",
    format: "token",
    secret: true,
    targets: ["vercel", "render", "modal:ethereal-auth"],
    description: "Shared token the Modal endpoints require",
  }),
  entry({
    name: "INTERNAL_WEBHOOK_SECRET",
    section: "generated",
    format: "hex64",
    secret: true,
    targets: ["vercel", "render"],
    description: "Webhook secret (64 hex chars)",
  }),
  entry({
    name: "INTERNAL_WEBHOOK_SECRET_PREVIOUS",
    section: "generated",
    format: "hex64",
    secret: true,
    targets: ["vercel"],
    optional: true,
    description: "Previous webhook secret, still accepted while `efs rotate webhook-secret` runs",
  }),
  entry({
    name: "STUDIO_ACCESS_KEY",
    section: "generated",
    format: "token",
    secret: true,
    targets: ["vercel"],
    description: "Key that unlocks the deployed studio",
  }),
  entry({
    name: "NEXT_PUBLIC_APP_URL",
    section: "vercel",
    format: "appUrl",
    secret: false,
    targets: ["vercel", "render"],
    description: "Public URL of the web app",
  }),
  entry({
    name: "DEPLOY_ENV",
    section: "fixed",
    format: "fixed",
    fixedValue: "production",
    secret: false,
    targets: ["vercel"],
    description: "Selects R2 + Turso on the web app",
  }),
  entry({
    name: "STORAGE_BACKEND",
    section: "fixed",
    format: "fixed",
    fixedValue: "r2",
    secret: false,
    targets: ["render"],
    description: "Selects R2 storage on the worker",
  }),
  entry({
    name: "VERCEL_TOKEN",
    section: "vercel",
    format: "token",
    secret: true,
    targets: ["github"],
    description: "Vercel token for the deploy workflow",
  }),
  entry({
    name: "VERCEL_ORG_ID",
    section: "vercel",
    format: "token",
    secret: false,
    targets: ["github"],
    description: "Vercel org/team id",
  }),
  entry({
    name: "VERCEL_PROJECT_ID",
    section: "vercel",
    format: "token",
    secret: false,
    targets: ["github"],
    description: "Vercel project id (prj_…)",
  }),
  entry({
    name: "RENDER_DEPLOY_HOOK_URL",
    section: "render",
    format: "httpsUrl",
    secret: true,
    targets: ["github"],
    description: "Render deploy hook (secret URL)",
  }),
]);

export function catalogEntry(name: string): CatalogEntry | undefined {
  return ENV_CATALOG.find((e) => e.name === name);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

// Zero-width and other invisible format characters: a value holding one looks right
// everywhere it is printed and still differs from what the user typed.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\uFEFF]/;
// Control characters other than the newlines reported above (NUL included).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePoint = (c: string) =>
  `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

// Characters no value may hold, whatever its format (the value itself is never quoted).
function checkCharacters(value: string): string | null {
  const control = CONTROL.exec(value);
  if (control) {
    const what = control[0] === "\u0000" ? "a NUL character" : "a control character";
    return `contains ${what} (${codePoint(control[0])} at position ${control.index + 1})`;
  }
  const invisible = INVISIBLE.exec(value);
  if (invisible)
    return `contains an invisible zero-width character (${codePoint(invisible[0])} at position ${invisible.index + 1})`;
  const lone = LONE_SURROGATE.exec(value);
  if (lone) return `is not valid Unicode (an unpaired surrogate at position ${lone.index + 1})`;
  return null;
}

// Returns null when `value` is acceptable for `format`, else a phrase saying what is wrong.
export function checkFormat(format: FormatName, value: string, fixedValue?: string): string | null {
  if (value.length === 0) return "is empty";
  // First: String#trim() also strips U+FEFF, which is named for what it is.
  const chars = checkCharacters(value);
  if (chars) return chars;
  if (value !== value.trim()) {
    return /[\r\n]$/.test(value) ? "ends with a newline" : "has surrounding whitespace";
  }
  if (/[\r\n]/.test(value)) return "contains a newline";
  switch (format) {
    case "hex64":
      return /^[0-9a-f]{64}$/i.test(value)
        ? null
        : `must be 64 hex characters (got ${value.length} characters)`;
    case "accountId":
      return /^[0-9a-f]{32}$/i.test(value) ? null : "must be 32 hex characters";
    case "bucketName":
      return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(value)
        ? null
        : "must be 3-63 lowercase letters, digits or hyphens, starting and ending alphanumeric";
    case "libsqlUrl": {
      const u = parseUrl(value);
      if (u && (u.protocol === "libsql:" || u.protocol === "file:")) return null;
      if (u && ["https:", "http:", "wss:", "ws:"].includes(u.protocol)) {
        return `is an ${u.protocol}// URL: Turso database URLs start with libsql:// (use libsql://${u.host}${u.pathname === "/" ? "" : u.pathname})`;
      }
      return "must be a libsql:// URL (libsql://<database>-<org>.turso.io, or file: for a local database)";
    }
    case "httpsUrl": {
      const u = parseUrl(value);
      if (!u) return "must be a URL";
      if (u.protocol === "https:") return null;
      if (u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname)) return null;
      return "must be an https:// URL";
    }
    case "appUrl": {
      const u = parseUrl(value);
      if (!u) return "must be a URL";
      if (u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname))) {
        return u.pathname === "/" && !u.search ? null : "must be an origin without a path";
      }
      return "must be an https:// URL";
    }
    case "token":
      return /\s/.test(value) ? "contains whitespace" : null;
    case "r2Jurisdiction":
      return isR2Jurisdiction(value) ? null : `must be one of ${R2_JURISDICTIONS.join(", ")}`;
    case "fixed":
      return fixedValue !== undefined && value !== fixedValue ? `must be "${fixedValue}"` : null;
  }
}

// Validates a catalog variable's value; returns a one-line error naming it, or null.
export function validateVar(name: string, value: string): string | null {
  const e = catalogEntry(name);
  const problem = e ? checkFormat(e.format, value, e.fixedValue) : checkFormat("token", value);
  return problem ? `${name} ${problem}` : null;
}
