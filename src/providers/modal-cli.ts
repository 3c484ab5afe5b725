// `modal` CLI: token check, secrets as JSON on stdin (a deleted file's descriptor), deploy
// and endpoint URLs.
import { cliFailure, runCli } from "./cli-run";
import { ProviderError } from "./errors";

const MODAL_URL = /https:\/\/[a-z0-9-]+--[a-z0-9-]+\.modal\.run/g;

export interface ModalCli {
  checkToken(): Promise<void>;
  createSecret(name: string, vars: Record<string, string>): Promise<void>;
  deploy(cwd: string, appFile: string): Promise<string[]>;
  // Deployed apps (`modal app list --json`, snake_case since Modal 1.5).
  listApps(): Promise<{ name: string; state: string }[]>;
  // `modal app stop NAME --yes`; "gone" when no such app is deployed (or it is stopped).
  stopApp(name: string): Promise<"deleted" | "gone">;
  // `modal secret delete NAME --yes --allow-missing`.
  deleteSecret(name: string): Promise<void>;
}

/** The Modal app name (APP_NAME in modal_app/app.py). */
export const MODAL_APP_NAME = "ethereal-flame-studio";

// Endpoint URLs printed by `modal deploy` (one per web function).
export function parseModalUrls(output: string): string[] {
  return [...new Set(output.match(MODAL_URL) ?? [])];
}

const MODAL_TOKEN_HELP =
  "run `modal token new`, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET (https://modal.com/settings/tokens)";

// Wraps the modal CLI; MODAL_TOKEN_ID/SECRET reach it through env when set; `signal`
// cancels a running call and keeps new ones from starting.
export function createModalCli(
  env: Record<string, string | undefined> = {},
  signal?: AbortSignal,
): ModalCli {
  const secrets = [env.MODAL_TOKEN_SECRET ?? ""].filter(Boolean);
  return {
    async checkToken() {
      const res = await runCli("modal", "modal", ["app", "list", "--json"], {
        env,
        secrets,
        signal,
      });
      if (res.exitCode !== 0) {
        throw cliFailure("modal", "modal app list", res, secrets, MODAL_TOKEN_HELP);
      }
    },

    async createSecret(name, vars) {
      const values = [...secrets, ...Object.values(vars)];
      const res = await runCli(
        "modal",
        "modal",
        ["secret", "create", name, "--force", "--from-json", "/dev/stdin"],
        { env, secrets: values, stdinFile: JSON.stringify(vars), signal },
      );
      if (res.exitCode !== 0) throw cliFailure("modal", `modal secret create ${name}`, res, values);
    },

    async deploy(cwd, appFile) {
      const res = await runCli("modal", "modal", ["deploy", appFile], {
        cwd,
        env,
        secrets,
        signal,
      });
      if (res.exitCode !== 0) throw cliFailure("modal", `modal deploy ${appFile}`, res, secrets);
      const urls = parseModalUrls(res.stdout);
      if (urls.length === 0) {
        throw new ProviderError({
          provider: "modal",
          operation: `modal deploy ${appFile}`,
          providerMessage: "no endpoint URL in the output",
          hint: "check that modal_app/app.py defines @modal.fastapi_endpoint functions (Modal 1.x)",
        });
      }
      return urls;
    },

    async listApps() {
      const res = await runCli("modal", "modal", ["app", "list", "--json"], { env, secrets });
      if (res.exitCode !== 0)
        throw cliFailure("modal", "modal app list", res, secrets, MODAL_TOKEN_HELP);
      let apps: { description?: string; name?: string; state?: string }[];
      try {
        apps = JSON.parse(res.stdout) as typeof apps;
      } catch {
        throw new ProviderError({
          provider: "modal",
          operation: "modal app list --json",
          providerMessage: "the output is not JSON",
          hint: "upgrade the Modal CLI: pip install -U modal",
        });
      }
      return apps.map((a) => ({ name: a.description ?? a.name ?? "", state: a.state ?? "" }));
    },

    async stopApp(name) {
      const res = await runCli("modal", "modal", ["app", "stop", name, "--yes"], {
        env,
        secrets,
      });
      if (res.exitCode === 0) return "deleted";
      // `modal app stop` exits 1 with these when there is nothing to stop.
      if (/already stopped|No App with name/i.test(`${res.stderr}\n${res.stdout}`)) return "gone";
      throw cliFailure("modal", `modal app stop ${name}`, res, secrets, MODAL_TOKEN_HELP);
    },

    async deleteSecret(name) {
      const res = await runCli(
        "modal",
        "modal",
        ["secret", "delete", name, "--yes", "--allow-missing"],
        { env, secrets },
      );
      if (res.exitCode !== 0)
        throw cliFailure("modal", `modal secret delete ${name}`, res, secrets, MODAL_TOKEN_HELP);
    },
  };
}
