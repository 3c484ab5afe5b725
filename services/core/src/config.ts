// Env parsed once, at the edge, into a frozen typed Config. Every variable of the env catalog
// is validated with the catalog's own format rules; runtime settings are added here.
// Backend selection: explicit STORAGE_BACKEND / JOB_STORE_BACKEND / RENDER_BACKEND win; else a
// production-like process (DEPLOY_ENV=production, or STORAGE_BACKEND=r2 without an
// S3_ENDPOINT_URL override: the fixed var the Render worker gets) selects r2 + turso + modal;
// else the embedded local backends.
import { createHmac } from "node:crypto";
import { join, resolve } from "node:path";
import { ConfigError } from "./config/error";
import { catalogVar, type Env, enumVar, intVar, plainVar, required, urlVar } from "./config/read";
import { ENV_CATALOG, type FormatName } from "./env-catalog";
import { type R2Jurisdiction, r2Endpoint } from "./r2";
import { Secret } from "./secret";

export { ConfigError } from "./config/error";

export const STORAGE_BACKENDS = ["local", "r2"] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];
export const JOB_STORE_BACKENDS = ["file", "turso"] as const;
export type JobStoreBackend = (typeof JOB_STORE_BACKENDS)[number];
export const RENDER_BACKENDS = ["local", "modal"] as const;
export type RenderBackend = (typeof RENDER_BACKENDS)[number];

export const DEFAULT_DATA_DIR = ".efs/local";
export const DEFAULT_RENDERER_URL = "http://127.0.0.1:3100";
export const DEFAULT_PORT = 3000;
export const DEFAULT_WORKER_CONCURRENCY = 1;
export const DEFAULT_WORKER_POLL_MS = 3000;
/** HMAC label for deriving the local-storage URL key from INTERNAL_WEBHOOK_SECRET. */
export const LOCAL_STORAGE_KEY_LABEL = "efs/local-storage-url-signing/v1";

/** R2 (or any S3-compatible server when S3_ENDPOINT_URL is set). */
export interface R2Config {
  readonly accountId: string | null;
  readonly accessKeyId: Secret;
  readonly secretAccessKey: Secret;
  readonly bucketName: string;
  /** R2_JURISDICTION (unset = default): which of the account's S3 endpoints holds the bucket. */
  readonly jurisdiction: R2Jurisdiction;
  /** S3_ENDPOINT_URL, else the jurisdiction's endpoint (r2Endpoint in r2.ts). */
  readonly endpoint: string;
}

export interface TursoConfig {
  readonly url: string;
  readonly authToken: Secret | null;
}

export interface ModalConfig {
  readonly endpointUrl: string;
  readonly statusUrl: string;
  readonly authToken: Secret;
}

/** Everything a studio process reads from its environment. Frozen. */
export interface Config {
  readonly deployEnv: "production" | null;
  /** DEPLOY_ENV=production, or STORAGE_BACKEND=r2 against real R2 (the worker's marker). */
  readonly productionLike: boolean;
  readonly backends: {
    readonly storage: StorageBackend;
    readonly jobStore: JobStoreBackend;
    readonly renderer: RenderBackend;
  };
  /** Absolute EFS_DATA_DIR (default .efs/local under the working directory). */
  readonly dataDir: string;
  readonly port: number;
  /** NEXT_PUBLIC_APP_URL, else http://localhost:<port> outside production. */
  readonly appUrl: string;
  readonly webhookSecret: Secret | null;
  /** Accepted alongside webhookSecret during `efs rotate webhook-secret`. */
  readonly webhookSecretPrevious: Secret | null;
  readonly studioAccessKey: Secret | null;
  /** LOCAL_STORAGE_SECRET, else HMAC(INTERNAL_WEBHOOK_SECRET, label), else null (see docs). */
  readonly localStorageSecret: Secret | null;
  readonly s3EndpointUrl: string | null;
  /** Set when storage is r2, or when every R2 variable is present. */
  readonly r2: R2Config | null;
  /** Set when the job store is turso, or when TURSO_DATABASE_URL is present. */
  readonly turso: TursoConfig | null;
  /** Set when the renderer is modal, or when the Modal variables are present. */
  readonly modal: ModalConfig | null;
  readonly rendererUrl: string;
  readonly worker: { readonly concurrency: number; readonly pollMs: number };
  /** GitHub Actions deploy values; optional for every service process. */
  readonly deploy: {
    readonly vercelToken: Secret | null;
    readonly vercelOrgId: string | null;
    readonly vercelProjectId: string | null;
    readonly renderDeployHookUrl: Secret | null;
  };
}

// Parses and validates `env`; throws a one-line ConfigError naming the first bad variable.
export function loadConfig(env: Env = process.env, opts: { cwd?: string } = {}): Config {
  const s3EndpointUrl = urlVar(env, "S3_ENDPOINT_URL");
  const vars = readCatalog(env, s3EndpointUrl !== null);
  const str = (name: string): string | null => vars.get(name) ?? null;
  const secret = (name: string): Secret | null => wrap(vars.get(name) ?? null);

  const deployEnv = str("DEPLOY_ENV") === "production" ? "production" : null;
  const explicitStorage = enumVar(env, "STORAGE_BACKEND", STORAGE_BACKENDS);
  const explicitJobStore = enumVar(env, "JOB_STORE_BACKEND", JOB_STORE_BACKENDS);
  const explicitRenderer = enumVar(env, "RENDER_BACKEND", RENDER_BACKENDS);
  const productionLike =
    deployEnv === "production" || (explicitStorage === "r2" && s3EndpointUrl === null);
  const productionBy = deployEnv === "production" ? "DEPLOY_ENV=production" : "STORAGE_BACKEND=r2";
  const backends = Object.freeze({
    storage: explicitStorage ?? (productionLike ? "r2" : "local"),
    jobStore: explicitJobStore ?? (productionLike ? "turso" : "file"),
    renderer: explicitRenderer ?? (productionLike ? "modal" : "local"),
  });
  // Why a cloud backend was chosen, for the "is required (…)" line.
  const because = (name: string, explicit: string | null, what: string): string => {
    const value = what.split(" ").pop();
    return `(${explicit ? `${name}=${value}` : `${what}, selected by ${productionBy}`})`;
  };

  const port = intVar(env, "PORT", 1, 65535) ?? DEFAULT_PORT;
  const dataDir = resolve(
    opts.cwd ?? process.cwd(),
    plainVar(env, "EFS_DATA_DIR") ?? DEFAULT_DATA_DIR,
  );
  const rendererUrl = urlVar(env, "RENDERER_URL") ?? DEFAULT_RENDERER_URL;
  const worker = Object.freeze({
    concurrency: intVar(env, "WORKER_CONCURRENCY", 1, 64) ?? DEFAULT_WORKER_CONCURRENCY,
    pollMs: intVar(env, "WORKER_POLL_MS", 10, 600_000) ?? DEFAULT_WORKER_POLL_MS,
  });
  const localStorageOverride = readLocalStorageSecret(env);

  const r2 = buildR2(
    str,
    backends.storage === "r2" ? because("STORAGE_BACKEND", explicitStorage, "storage r2") : null,
    s3EndpointUrl,
  );
  const turso = buildTurso(
    str,
    backends.jobStore === "turso"
      ? because("JOB_STORE_BACKEND", explicitJobStore, "job store turso")
      : null,
  );
  const modal = buildModal(
    str,
    backends.renderer === "modal"
      ? because("RENDER_BACKEND", explicitRenderer, "renderer modal")
      : null,
  );

  const webhookSecret = secret("INTERNAL_WEBHOOK_SECRET");
  if (productionLike) required(webhookSecret, "INTERNAL_WEBHOOK_SECRET", `(${productionBy})`);
  if (backends.renderer === "modal") {
    required(webhookSecret, "INTERNAL_WEBHOOK_SECRET", "(the Modal renderer calls the webhook)");
  }
  const appUrlVar = str("NEXT_PUBLIC_APP_URL");
  if (productionLike) required(appUrlVar, "NEXT_PUBLIC_APP_URL", `(${productionBy})`);

  return Object.freeze({
    deployEnv,
    productionLike,
    backends,
    dataDir,
    port,
    appUrl: appUrlVar ?? `http://localhost:${port}`,
    webhookSecret,
    webhookSecretPrevious: secret("INTERNAL_WEBHOOK_SECRET_PREVIOUS"),
    studioAccessKey: secret("STUDIO_ACCESS_KEY"),
    localStorageSecret: localStorageOverride ?? deriveLocalStorageSecret(webhookSecret),
    s3EndpointUrl,
    r2,
    turso,
    modal,
    rendererUrl,
    worker,
    deploy: Object.freeze({
      vercelToken: secret("VERCEL_TOKEN"),
      vercelOrgId: str("VERCEL_ORG_ID"),
      vercelProjectId: str("VERCEL_PROJECT_ID"),
      renderDeployHookUrl: secret("RENDER_DEPLOY_HOOK_URL"),
    }),
  });
}

// The job store's libsql URL: `file:<abs data dir>/efs.db` locally, else the Turso URL.
export function jobStoreUrl(config: Config): string {
  if (config.backends.jobStore === "turso" && config.turso) return config.turso.url;
  return `file:${join(config.dataDir, "efs.db")}`;
}

// Modal's status endpoint (MODAL_STATUS_URL, else derived from the submit URL); null without Modal.
export function modalStatusUrl(config: Config): string | null {
  return config.modal?.statusUrl ?? null;
}

// `…ethereal-submit…` → `…ethereal-status…`; null when the submit URL has no such part.
export function deriveModalStatusUrl(endpointUrl: string): string | null {
  return endpointUrl.includes("ethereal-submit")
    ? endpointUrl.replace("ethereal-submit", "ethereal-status")
    : null;
}

// HMAC-SHA256(webhook secret, fixed label) as hex, so web and worker agree without a new var.
export function deriveLocalStorageSecret(webhookSecret: Secret | null): Secret | null {
  if (!webhookSecret) return null;
  const key = createHmac("sha256", webhookSecret.reveal()).update(LOCAL_STORAGE_KEY_LABEL);
  return new Secret(key.digest("hex"));
}

// Validates every catalog variable that is set. Against a generic S3 server (S3_ENDPOINT_URL)
// the R2-specific shapes (hex-64 secret, account id) do not apply, so keys are plain tokens.
function readCatalog(env: Env, s3Override: boolean): Map<string, string> {
  const relaxed: Record<string, FormatName> = s3Override
    ? { R2_SECRET_ACCESS_KEY: "token", R2_ACCOUNT_ID: "token" }
    : {};
  const vars = new Map<string, string>();
  for (const entry of ENV_CATALOG) {
    if (entry.name === "STORAGE_BACKEND") continue; // local|r2, read as a selector
    const value = catalogVar(env, entry.name, relaxed[entry.name]);
    if (value !== null) vars.set(entry.name, value);
  }
  return vars;
}

function readLocalStorageSecret(env: Env): Secret | null {
  const value = catalogVar(env, "LOCAL_STORAGE_SECRET", "token");
  if (value !== null && value.length < 32) {
    throw new ConfigError(
      "LOCAL_STORAGE_SECRET",
      `LOCAL_STORAGE_SECRET must be at least 32 characters (got ${value.length} characters)`,
    );
  }
  return wrap(value);
}

type Lookup = (name: string) => string | null;

// `needed` is null when optional, else the reason phrase used in "is required" errors.
function buildR2(
  str: Lookup,
  needed: string | null,
  s3EndpointUrl: string | null,
): R2Config | null {
  const names = ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"];
  if (!s3EndpointUrl) names.unshift("R2_ACCOUNT_ID");
  if (needed === null && names.some((n) => str(n) === null)) return null;
  const get = (n: string): string => required(str(n), n, needed ?? undefined);
  const accountId = s3EndpointUrl ? str("R2_ACCOUNT_ID") : get("R2_ACCOUNT_ID");
  // Checked against the catalog's list by readCatalog; S3_ENDPOINT_URL (a generic S3 server) wins.
  const jurisdiction = (str("R2_JURISDICTION") ?? "default") as R2Jurisdiction;
  return Object.freeze({
    accountId,
    accessKeyId: new Secret(get("R2_ACCESS_KEY_ID")),
    secretAccessKey: new Secret(get("R2_SECRET_ACCESS_KEY")),
    bucketName: get("R2_BUCKET_NAME"),
    jurisdiction,
    endpoint: s3EndpointUrl ?? r2Endpoint(get("R2_ACCOUNT_ID"), jurisdiction),
  });
}

function buildTurso(str: Lookup, needed: string | null): TursoConfig | null {
  const url = str("TURSO_DATABASE_URL");
  if (needed === null && url === null) return null;
  const u = required(url, "TURSO_DATABASE_URL", needed ?? undefined);
  const token = str("TURSO_AUTH_TOKEN");
  // A file: URL is a local database and needs no token; remote Turso always does.
  if (needed !== null && !u.startsWith("file:")) required(token, "TURSO_AUTH_TOKEN", needed);
  return Object.freeze({ url: u, authToken: wrap(token) });
}

function buildModal(str: Lookup, needed: string | null): ModalConfig | null {
  const endpointUrl = str("MODAL_ENDPOINT_URL");
  const authToken = str("MODAL_AUTH_TOKEN");
  if (needed === null && (endpointUrl === null || authToken === null)) return null;
  const endpoint = required(endpointUrl, "MODAL_ENDPOINT_URL", needed ?? undefined);
  const token = required(authToken, "MODAL_AUTH_TOKEN", needed ?? undefined);
  const statusUrl = str("MODAL_STATUS_URL") ?? deriveModalStatusUrl(endpoint);
  if (statusUrl === null) {
    throw new ConfigError(
      "MODAL_STATUS_URL",
      'MODAL_STATUS_URL is required when MODAL_ENDPOINT_URL does not contain "ethereal-submit"',
    );
  }
  return Object.freeze({ endpointUrl: endpoint, statusUrl, authToken: new Secret(token) });
}

function wrap(value: string | null): Secret | null {
  return value === null ? null : new Secret(value);
}
