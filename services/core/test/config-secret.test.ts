import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect, promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { resolveLocalStorageSecret } from "../src/config/local-secret";
import { redact, Secret } from "../src/secret";

const HEX = "9f8e7d6c5b4a39281706f5e4d3c2b1a0".repeat(2);

describe("Secret", () => {
  it("prints as a redaction through String, templates, JSON and inspect", () => {
    const s = new Secret(HEX);
    const expected = "9f8e…b1a0 (64 chars)";
    expect(String(s)).toBe(expected);
    expect(`${s}`).toBe(expected);
    expect(`token=${s}`).toBe(`token=${expected}`);
    expect("" + s).toBe(expected);
    expect(JSON.stringify({ s })).toBe(`{"s":"${expected}"}`);
    expect(inspect(s)).toBe(expected);
    expect(inspect({ nested: { s } }, { depth: 5 })).not.toContain(HEX);
    expect(s.reveal()).toBe(HEX);
    expect(s.length).toBe(64);
  });

  it("masks short values completely", () => {
    expect(redact("hunter2")).toBe("**** (7 chars)");
    expect(String(new Secret("abcdefghijklmno"))).toBe("**** (15 chars)");
    expect(String(new Secret("abcdefghijklmnop"))).toBe("abcd…mnop (16 chars)");
  });

  it("keeps the value out of own enumerable properties", () => {
    const s = new Secret(HEX);
    expect(Object.keys(s)).toEqual([]);
    expect(JSON.stringify(Object.entries(s))).not.toContain(HEX);
  });

  it("never reaches stdout when a whole Config is console.logged, stringified or interpolated", async () => {
    const configTs = fileURLToPath(new URL("../src/config.ts", import.meta.url));
    // Prints a production Config every way a careless caller might.
    const script = `
      const { loadConfig } = await import(${JSON.stringify(configTs)});
      const config = loadConfig(process.env);
      console.log(config);
      console.log("%o", config);
      console.error(JSON.stringify(config));
      console.log(\`webhook=\${config.webhookSecret} turso=\${config.turso?.authToken}\`);
      console.log(String(config.modal?.authToken), [config.r2?.secretAccessKey].join(","));
      throw new Error("boom " + config.webhookSecret);
    `;
    const secrets = {
      INTERNAL_WEBHOOK_SECRET: HEX,
      TURSO_AUTH_TOKEN: "turso-token-value-0123456789",
      MODAL_AUTH_TOKEN: "modal-token-value-0123456789",
      R2_SECRET_ACCESS_KEY: "e".repeat(64),
      R2_ACCESS_KEY_ID: "r2-access-key-id-value",
      STUDIO_ACCESS_KEY: "studio-access-key-value",
      VERCEL_TOKEN: "vercel-token-value-0123",
    };
    const env = {
      PATH: process.env.PATH,
      DEPLOY_ENV: "production",
      R2_ACCOUNT_ID: "a".repeat(32),
      R2_BUCKET_NAME: "bucket",
      TURSO_DATABASE_URL: "libsql://db.turso.io",
      MODAL_ENDPOINT_URL: "https://me--ethereal-submit.modal.run",
      NEXT_PUBLIC_APP_URL: "https://efs.vercel.app",
      ...secrets,
    };
    const result = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { env, timeout: 60_000 },
    ).catch((err: { stdout: string; stderr: string; code: number }) => err);
    const out = result.stdout + result.stderr;
    expect(out).toContain("Error: boom 9f8e…b1a0 (64 chars)");
    expect(out).toContain("9f8e…b1a0 (64 chars)");
    expect(out).toContain("libsql://db.turso.io");
    for (const [name, value] of Object.entries(secrets)) {
      expect(out.includes(value), `${name} leaked`).toBe(false);
    }
  });
});

describe("local storage key", () => {
  it("is generated once per data dir (0600) and shared by every process using it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "efs-cfg-"));
    try {
      const config = loadConfig({ EFS_DATA_DIR: join(dir, "data") });
      const [a, b] = await Promise.all([
        resolveLocalStorageSecret(config),
        resolveLocalStorageSecret(config),
      ]);
      expect(a.reveal()).toMatch(/^[0-9a-f]{64}$/);
      expect(b.reveal()).toBe(a.reveal());
      const file = join(dir, "data", "local-storage.key");
      expect(await readFile(file, "utf8")).toBe(a.reveal());
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const withSecret = loadConfig({
        EFS_DATA_DIR: join(dir, "data"),
        LOCAL_STORAGE_SECRET: "x".repeat(32),
      });
      expect((await resolveLocalStorageSecret(withSecret)).reveal()).toBe("x".repeat(32));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
