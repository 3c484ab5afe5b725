// One provisioning sandbox: emulator server over a fresh world, fake CLIs, a git project
// with modal_app/app.py, and env pointing efs at all of it. Secrets are registered for the
// leak scan.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Vault } from "../../src/vault/vault";
import { type EmulatorServer, startEmulatorServer } from "../emulators/server";
import { TEST_CREDENTIALS as C, type EmulatorState } from "../emulators/state";
import { createWorld } from "../emulators/world";
import { createFakes, type Fakes } from "../fakes/fakes";
import { type RunResult, runEfs, type Sandbox, sandbox } from "../helpers/cli";
import { registerSecret, testSecret } from "../helpers/leak-record";

export interface Harness {
  world: EmulatorState;
  server: EmulatorServer;
  fakes: Fakes;
  box: Sandbox;
  env: Record<string, string>;
  efs(args: string[], extraEnv?: Record<string, string | undefined>): Promise<RunResult>;
  vault(): Promise<Map<string, string>>;
  journal(): Promise<Record<string, { status: string }>>;
  cleanup(): Promise<void>;
}

export const MODAL_ID = registerSecret("ak-modalid0123456789");
export const MODAL_SECRET = registerSecret("as-modalsecret0123456789abcdef");

// Starts everything for one test.
export async function createHarness(): Promise<Harness> {
  const world = await createWorld();
  const server = await startEmulatorServer(world);
  const fakes = createFakes();
  const box = sandbox();
  for (const v of [C.cloudflareToken, C.tursoToken, C.vercelToken, C.renderKey, C.githubToken])
    registerSecret(v);
  const vaultKey = testSecret(64);
  const p = box.project;
  mkdirSync(join(p, "modal_app"), { recursive: true });
  writeFileSync(join(p, "modal_app/app.py"), "# the Modal app (fake deploy reads nothing)\n");
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: p });
  execFileSync("git", ["remote", "add", "origin", `https://github.com/${C.githubRepo}.git`], {
    cwd: p,
  });
  const env: Record<string, string> = {
    ...box.env,
    ...fakes.env(box.env.PATH),
    ...server.env,
    EFS_VAULT_KEY: vaultKey,
    EFS_HTTP_BASE_DELAY_MS: "5",
    CLOUDFLARE_API_TOKEN: C.cloudflareToken,
    CLOUDFLARE_ACCOUNT_ID: C.cloudflareAccountId,
    TURSO_API_TOKEN: C.tursoToken,
    VERCEL_TOKEN: C.vercelToken,
    RENDER_API_KEY: C.renderKey,
    GITHUB_TOKEN: C.githubToken,
    MODAL_TOKEN_ID: MODAL_ID,
    MODAL_TOKEN_SECRET: MODAL_SECRET,
  };
  const openVault = () => new Vault({ root: p, keys: { env: { ...env } } }).read();
  return {
    world,
    server,
    fakes,
    box,
    env,
    efs: (args, extraEnv = {}) => {
      const merged: Record<string, string | undefined> = { ...env, ...extraEnv };
      return runEfs(["--cwd", p, ...args], { env: merged, timeoutMs: 120_000 });
    },
    vault: async () => new Map((await openVault()).entries().map((e) => [e.name, e.value])),
    journal: async () =>
      ((await openVault()).journal.init ?? {}) as Record<string, { status: string }>,
    cleanup: async () => {
      await server.close();
      fakes.cleanup();
      box.cleanup();
    },
  };
}

// Vault variables that are not secret (names, ids, URLs).
export const PUBLIC_NAMES: ReadonlySet<string> = new Set([
  "R2_ACCOUNT_ID",
  "R2_BUCKET_NAME",
  "R2_JURISDICTION",
  "TURSO_DATABASE_URL",
  "MODAL_ENDPOINT_URL",
  "MODAL_STATUS_URL",
  "NEXT_PUBLIC_APP_URL",
  "DEPLOY_ENV",
  "STORAGE_BACKEND",
  "VERCEL_ORG_ID",
  "VERCEL_PROJECT_ID",
]);

// Registers every vault value for the leak scan (generated and minted secrets included).
export async function registerVaultSecrets(h: Harness): Promise<Map<string, string>> {
  const values = await h.vault();
  const publicNames = PUBLIC_NAMES;
  for (const [k, v] of values) if (!publicNames.has(k)) registerSecret(v);
  return values;
}
