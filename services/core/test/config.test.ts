import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Config,
  ConfigError,
  deriveLocalStorageSecret,
  jobStoreUrl,
  loadConfig,
  modalStatusUrl,
} from "../src/config";
import { ENV_CATALOG } from "../src/env-catalog";
import { Secret } from "../src/secret";

const HEX = "0123456789abcdef".repeat(4);
const R2 = {
  R2_ACCOUNT_ID: "a".repeat(32),
  R2_ACCESS_KEY_ID: "AKIDEXAMPLE123",
  R2_SECRET_ACCESS_KEY: "b".repeat(64),
  R2_BUCKET_NAME: "ethereal-media",
};
const TURSO = {
  TURSO_DATABASE_URL: "libsql://efs-user.turso.io",
  TURSO_AUTH_TOKEN: "eyJhbGciOi.tok",
};
const MODAL = {
  MODAL_ENDPOINT_URL: "https://me--ethereal-submit.modal.run",
  MODAL_AUTH_TOKEN: "modal-token-1234567890",
};
const PROD = {
  DEPLOY_ENV: "production",
  ...R2,
  ...TURSO,
  ...MODAL,
  INTERNAL_WEBHOOK_SECRET: HEX,
  NEXT_PUBLIC_APP_URL: "https://efs.vercel.app",
};

// The ConfigError thrown for `env` (fails the test when nothing is thrown).
function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, { cwd: "/srv/app" });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain("\n");
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(",")}`);
}

// A value that is valid for each catalog variable's format.
const VALID: Record<string, string> = {
  ...R2,
  ...TURSO,
  ...MODAL,
  MODAL_STATUS_URL: "https://me--ethereal-status.modal.run",
  INTERNAL_WEBHOOK_SECRET: HEX,
  INTERNAL_WEBHOOK_SECRET_PREVIOUS: "b".repeat(64),
  STUDIO_ACCESS_KEY: "studio-key-123",
  NEXT_PUBLIC_APP_URL: "https://efs.vercel.app",
  DEPLOY_ENV: "production",
  STORAGE_BACKEND: "r2",
  R2_JURISDICTION: "eu",
  VERCEL_TOKEN: "vercel-token",
  VERCEL_ORG_ID: "team_123",
  VERCEL_PROJECT_ID: "prj_123",
  RENDER_DEPLOY_HOOK_URL: "https://api.render.com/deploy/srv-1?key=abc",
};

// R2_JURISDICTION → endpoint cases, shared with modal_app/tests/test_storage.py.
const ENDPOINTS = JSON.parse(
  readFileSync(new URL("../../../contracts/r2-endpoint.json", import.meta.url), "utf8"),
) as {
  accountId: string;
  valid: { jurisdiction: string | null; endpoint: string }[];
  invalid: string[];
};

describe("loadConfig: local defaults", () => {
  it("selects the embedded backends with documented defaults when nothing is set", () => {
    const c = loadConfig({}, { cwd: "/srv/app" });
    expect(c).toMatchObject({
      deployEnv: null,
      productionLike: false,
      backends: { storage: "local", jobStore: "file", renderer: "local" },
      dataDir: "/srv/app/.efs/local",
      port: 3000,
      appUrl: "http://localhost:3000",
      rendererUrl: "http://127.0.0.1:3100",
      worker: { concurrency: 1, pollMs: 3000 },
      webhookSecret: null,
      localStorageSecret: null,
      r2: null,
      turso: null,
      modal: null,
      s3EndpointUrl: null,
    });
    expect(jobStoreUrl(c)).toBe("file:/srv/app/.efs/local/efs.db");
    expect(modalStatusUrl(c)).toBeNull();
  });

  it("returns a deeply frozen object", () => {
    const c = loadConfig({}, { cwd: "/srv/app" });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.backends)).toBe(true);
    expect(Object.isFrozen(c.worker)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it("reads the runtime settings", () => {
    const c = loadConfig(
      {
        EFS_DATA_DIR: "/var/efs",
        PORT: "8080",
        RENDERER_URL: "http://localhost:4100",
        WORKER_CONCURRENCY: "3",
        WORKER_POLL_MS: "250",
      },
      { cwd: "/srv/app" },
    );
    expect(c).toMatchObject({
      dataDir: "/var/efs",
      port: 8080,
      appUrl: "http://localhost:8080",
      rendererUrl: "http://localhost:4100",
      worker: { concurrency: 3, pollMs: 250 },
    });
    expect(jobStoreUrl(c)).toBe("file:/var/efs/efs.db");
  });
});

describe("loadConfig: backend selection", () => {
  it("selects r2 + turso + modal for DEPLOY_ENV=production", () => {
    const c = loadConfig(PROD);
    expect(c.productionLike).toBe(true);
    expect(c.backends).toEqual({ storage: "r2", jobStore: "turso", renderer: "modal" });
    expect(jobStoreUrl(c)).toBe("libsql://efs-user.turso.io");
    expect(c.r2?.endpoint).toBe(`https://${"a".repeat(32)}.r2.cloudflarestorage.com`);
    expect(modalStatusUrl(c)).toBe("https://me--ethereal-status.modal.run");
  });

  it("lets explicit STORAGE_BACKEND / JOB_STORE_BACKEND / RENDER_BACKEND win over DEPLOY_ENV", () => {
    const c = loadConfig(
      {
        ...PROD,
        STORAGE_BACKEND: "local",
        JOB_STORE_BACKEND: "file",
        RENDER_BACKEND: "local",
      },
      { cwd: "/srv/app" },
    );
    expect(c.backends).toEqual({ storage: "local", jobStore: "file", renderer: "local" });
    expect(jobStoreUrl(c)).toBe("file:/srv/app/.efs/local/efs.db");
  });

  it("lets explicit cloud backends be chosen one at a time outside production", () => {
    const c = loadConfig({ JOB_STORE_BACKEND: "turso", ...TURSO });
    expect(c.backends).toEqual({ storage: "local", jobStore: "turso", renderer: "local" });
    expect(c.productionLike).toBe(false);
  });

  it("treats the worker's STORAGE_BACKEND=r2 as production-like (turso + modal by default)", () => {
    const { DEPLOY_ENV: _, ...workerEnv } = PROD;
    const c = loadConfig({ ...workerEnv, STORAGE_BACKEND: "r2" });
    expect(c.productionLike).toBe(true);
    expect(c.backends).toEqual({ storage: "r2", jobStore: "turso", renderer: "modal" });
  });

  it("keeps STORAGE_BACKEND=r2 against an S3_ENDPOINT_URL server local, without R2-only shapes", () => {
    const c = loadConfig({
      STORAGE_BACKEND: "r2",
      S3_ENDPOINT_URL: "http://127.0.0.1:8333",
      R2_ACCESS_KEY_ID: "seaweed",
      R2_SECRET_ACCESS_KEY: "not-hex-secret",
      R2_BUCKET_NAME: "efs-local",
    });
    expect(c.productionLike).toBe(false);
    expect(c.backends).toEqual({ storage: "r2", jobStore: "file", renderer: "local" });
    expect(c.r2).toMatchObject({
      accountId: null,
      endpoint: "http://127.0.0.1:8333",
      bucketName: "efs-local",
    });
    expect(c.r2?.secretAccessKey.reveal()).toBe("not-hex-secret");
  });

  it.each(ENDPOINTS.valid)(
    "addresses the bucket at its jurisdiction's endpoint (R2_JURISDICTION=$jurisdiction)",
    ({ jurisdiction, endpoint }) => {
      const env = { ...PROD, R2_ACCOUNT_ID: ENDPOINTS.accountId };
      const c = loadConfig(jurisdiction === null ? env : { ...env, R2_JURISDICTION: jurisdiction });
      expect(c.r2).toMatchObject({ endpoint, jurisdiction: jurisdiction ?? "default" });
    },
  );

  it.each(ENDPOINTS.invalid)(
    "refuses R2_JURISDICTION=%j, naming the variable and the allowed values",
    (value) => {
      const err = errorOf({ ...PROD, R2_JURISDICTION: value });
      expect(err.variable).toBe("R2_JURISDICTION");
      expect(err.message).toBe("R2_JURISDICTION must be one of default, eu, fedramp");
    },
  );

  it("lets S3_ENDPOINT_URL win over R2_JURISDICTION, and still checks the jurisdiction", () => {
    const c = loadConfig({
      STORAGE_BACKEND: "r2",
      S3_ENDPOINT_URL: "http://127.0.0.1:8333",
      R2_ACCOUNT_ID: ENDPOINTS.accountId,
      R2_JURISDICTION: "eu",
      R2_ACCESS_KEY_ID: "seaweed",
      R2_SECRET_ACCESS_KEY: "not-hex-secret",
      R2_BUCKET_NAME: "efs-local",
    });
    expect(c.r2).toMatchObject({ endpoint: "http://127.0.0.1:8333", jurisdiction: "eu" });
    expect(
      errorOf({ S3_ENDPOINT_URL: "http://127.0.0.1:8333", R2_JURISDICTION: "mars" }).variable,
    ).toBe("R2_JURISDICTION");
  });

  it("keeps R2's own shapes in a jurisdiction (hex-64 secret, account id)", () => {
    expect(
      errorOf({ ...PROD, R2_JURISDICTION: "eu", R2_SECRET_ACCESS_KEY: "c".repeat(40) }).variable,
    ).toBe("R2_SECRET_ACCESS_KEY");
    expect(errorOf({ ...PROD, R2_JURISDICTION: "eu", R2_ACCOUNT_ID: "xyz" }).variable).toBe(
      "R2_ACCOUNT_ID",
    );
  });

  it("refuses an unknown backend name, listing the choices", () => {
    expect(errorOf({ STORAGE_BACKEND: "s3" }).message).toBe(
      'STORAGE_BACKEND must be one of local, r2 (got "s3")',
    );
    expect(errorOf({ JOB_STORE_BACKEND: "postgres" }).message).toBe(
      'JOB_STORE_BACKEND must be one of file, turso (got "postgres")',
    );
    expect(errorOf({ RENDER_BACKEND: "gpu" }).variable).toBe("RENDER_BACKEND");
  });
});

describe("loadConfig: required variables", () => {
  it.each(Object.keys(PROD).filter((k) => k !== "DEPLOY_ENV"))(
    "names %s when it is missing in production",
    (name) => {
      const env: Record<string, string> = { ...PROD };
      delete env[name];
      const err = errorOf(env);
      expect(err.variable).toBe(name);
      expect(err.message).toMatch(new RegExp(`^${name} is required \\(.*DEPLOY_ENV=production`));
    },
  );

  it("says exactly which selection made a variable required", () => {
    expect(errorOf({ JOB_STORE_BACKEND: "turso" }).message).toBe(
      "TURSO_DATABASE_URL is required (JOB_STORE_BACKEND=turso)",
    );
    expect(errorOf({ DEPLOY_ENV: "production" }).message).toBe(
      "R2_ACCOUNT_ID is required (storage r2, selected by DEPLOY_ENV=production)",
    );
    expect(errorOf({ RENDER_BACKEND: "modal", ...MODAL }).message).toBe(
      "INTERNAL_WEBHOOK_SECRET is required (the Modal renderer calls the webhook)",
    );
  });

  it("needs no Turso token for a file: database URL", () => {
    const c = loadConfig({ JOB_STORE_BACKEND: "turso", TURSO_DATABASE_URL: "file:/tmp/x.db" });
    expect(c.turso).toEqual({ url: "file:/tmp/x.db", authToken: null });
  });

  it("needs MODAL_STATUS_URL when it cannot be derived from the submit URL", () => {
    const err = errorOf({
      RENDER_BACKEND: "modal",
      INTERNAL_WEBHOOK_SECRET: HEX,
      MODAL_ENDPOINT_URL: "https://me--submit.modal.run",
      MODAL_AUTH_TOKEN: "t",
    });
    expect(err.variable).toBe("MODAL_STATUS_URL");
    const c = loadConfig({
      RENDER_BACKEND: "modal",
      INTERNAL_WEBHOOK_SECRET: HEX,
      MODAL_ENDPOINT_URL: "https://me--submit.modal.run",
      MODAL_STATUS_URL: "https://me--status.modal.run",
      MODAL_AUTH_TOKEN: "t",
    });
    expect(modalStatusUrl(c)).toBe("https://me--status.modal.run");
  });
});

describe("loadConfig: malformed values", () => {
  it.each(ENV_CATALOG.map((e) => e.name))("rejects %s with surrounding whitespace", (name) => {
    const value = VALID[name];
    expect(value, `test needs a valid value for ${name}`).toBeDefined();
    expect(errorOf({ [name]: ` ${value}` }).message).toBe(`${name} has surrounding whitespace`);
    expect(errorOf({ [name]: `${value}\n` }).message).toBe(`${name} ends with a newline`);
    expect(errorOf({ [name]: "" }).message).toBe(`${name} is empty`);
  });

  it("accepts the valid value of every catalog variable", () => {
    const c = loadConfig(VALID);
    expect(c.deploy.vercelProjectId).toBe("prj_123");
    expect(c.deploy.renderDeployHookUrl).toBeInstanceOf(Secret);
  });

  it.each([
    ["INTERNAL_WEBHOOK_SECRET", `${HEX}a`, "must be 64 hex characters (got 65 characters)"],
    ["INTERNAL_WEBHOOK_SECRET", HEX.slice(1), "must be 64 hex characters (got 63 characters)"],
    [
      "INTERNAL_WEBHOOK_SECRET",
      `${HEX.slice(1)}g`,
      "must be 64 hex characters (got 64 characters)",
    ],
    ["INTERNAL_WEBHOOK_SECRET", `${HEX}\r\n`, "ends with a newline"],
    ["R2_SECRET_ACCESS_KEY", "c".repeat(40), "must be 64 hex characters (got 40 characters)"],
    ["R2_ACCOUNT_ID", "xyz", "must be 32 hex characters"],
    ["R2_BUCKET_NAME", "Bad_Bucket", "must be 3-63 lowercase letters"],
    ["TURSO_DATABASE_URL", "postgres://db.example.com/efs", "must be a libsql:// URL"],
    ["TURSO_DATABASE_URL", "efs-user.turso.io", "must be a libsql:// URL"],
    ["TURSO_AUTH_TOKEN", "two words", "contains whitespace"],
    ["MODAL_ENDPOINT_URL", "http://me--ethereal-submit.modal.run", "must be an https:// URL"],
    ["MODAL_STATUS_URL", "ftp://x", "must be an https:// URL"],
    ["NEXT_PUBLIC_APP_URL", "http://efs.example.com", "must be an https:// URL"],
    ["NEXT_PUBLIC_APP_URL", "https://efs.example.com/app", "must be an origin without a path"],
    ["DEPLOY_ENV", "staging", 'must be "production"'],
    ["S3_ENDPOINT_URL", "http://seaweed.internal:8333", "must be an https:// URL"],
    ["RENDERER_URL", "http://renderer.example.com", "must be an https:// URL"],
    ["EFS_DATA_DIR", "/data \n", "ends with a newline"],
    ["LOCAL_STORAGE_SECRET", "short", "must be at least 32 characters (got 5 characters)"],
    ["PORT", "80a", 'must be an integer from 1 to 65535 (got "80a")'],
    ["PORT", "70000", "must be an integer from 1 to 65535"],
    ["WORKER_CONCURRENCY", "0", "must be an integer from 1 to 64"],
    ["WORKER_POLL_MS", "-5", "must be an integer from 10 to 600000"],
  ])("rejects %s=%j naming it", (name, value, problem) => {
    const err = errorOf({ [name]: value });
    expect(err.variable).toBe(name);
    expect(err.message.startsWith(`${name} ${problem}`)).toBe(true);
  });

  it("never puts a secret's value into the error message", () => {
    const bad = `${HEX}zz`;
    expect(errorOf({ INTERNAL_WEBHOOK_SECRET: bad }).message).not.toContain(HEX.slice(0, 8));
    expect(errorOf({ TURSO_AUTH_TOKEN: "secret token" }).message).not.toContain("secret");
  });

  it("accepts http:// on loopback for URLs that allow it", () => {
    const c = loadConfig({
      RENDERER_URL: "http://[::1]:3100",
      NEXT_PUBLIC_APP_URL: "http://127.0.0.1:3000",
      S3_ENDPOINT_URL: "http://localhost:8333",
    });
    expect(c.appUrl).toBe("http://127.0.0.1:3000");
  });
});

describe("loadConfig: secrets", () => {
  it("wraps every secret in a Secret that reveals the original value", () => {
    const c: Config = loadConfig({
      ...PROD,
      STUDIO_ACCESS_KEY: "studio-key-123",
      VERCEL_TOKEN: "vt",
    });
    const secrets = [
      c.webhookSecret,
      c.studioAccessKey,
      c.r2?.accessKeyId,
      c.r2?.secretAccessKey,
      c.turso?.authToken,
      c.modal?.authToken,
      c.deploy.vercelToken,
    ];
    for (const s of secrets) expect(s).toBeInstanceOf(Secret);
    expect(c.webhookSecret?.reveal()).toBe(HEX);
    expect(c.turso?.authToken?.reveal()).toBe(TURSO.TURSO_AUTH_TOKEN);
  });

  it("derives the local storage key from the webhook secret with HMAC, unless set explicitly", () => {
    const derived = loadConfig({ INTERNAL_WEBHOOK_SECRET: HEX }).localStorageSecret;
    expect(derived?.reveal()).toMatch(/^[0-9a-f]{64}$/);
    expect(derived?.reveal()).not.toBe(HEX);
    expect(derived?.reveal()).toBe(deriveLocalStorageSecret(new Secret(HEX))?.reveal());
    const other = loadConfig({ INTERNAL_WEBHOOK_SECRET: "f".repeat(64) }).localStorageSecret;
    expect(other?.reveal()).not.toBe(derived?.reveal());
    const explicit = "L".repeat(40);
    const c = loadConfig({ INTERNAL_WEBHOOK_SECRET: HEX, LOCAL_STORAGE_SECRET: explicit });
    expect(c.localStorageSecret?.reveal()).toBe(explicit);
  });
});
