// `turso` CLI fallback for a CLI login without TURSO_API_TOKEN (no --json: parse text).

import { type CliResult, cliFailure, runCli } from "./cli-run";
import { ProviderError } from "./errors";

export interface TursoCli {
  isLoggedIn(): Promise<boolean>;
  dbUrl(name: string): Promise<string | undefined>;
  createDb(name: string, group: string): Promise<{ existed: boolean }>;
  mintToken(name: string): Promise<string>;
}

const NOT_LOGGED_IN = /You are not logged in/i;

// Wraps the turso CLI; every call checks stdout for the exit-0 "not logged in" trap.
export function createTursoCli(
  env?: Record<string, string | undefined>,
  signal?: AbortSignal,
): TursoCli {
  async function turso(args: string[]): Promise<CliResult> {
    const res = await runCli("turso", "turso", args, { env, signal });
    if (NOT_LOGGED_IN.test(res.stdout) || NOT_LOGGED_IN.test(res.stderr)) {
      throw new ProviderError({
        provider: "turso",
        operation: `turso ${args.slice(0, 2).join(" ")}`,
        providerMessage: "the turso CLI is not logged in (it exits 0 in this case)",
        hint: "run `turso auth login`, or set TURSO_API_TOKEN (`turso auth api-tokens mint efs`)",
      });
    }
    return res;
  }

  return {
    async isLoggedIn() {
      try {
        await turso(["db", "list"]);
        return true;
      } catch (err) {
        // Not logged in (the exit-0 trap) or not installed: either way, no CLI login.
        if (err instanceof ProviderError && /not logged in|not installed/.test(err.message)) {
          return false;
        }
        throw err;
      }
    },

    async dbUrl(name) {
      const res = await turso(["db", "show", name, "--url"]);
      if (res.exitCode !== 0) {
        if (/not found|does not exist|could not find/i.test(res.stderr)) return undefined;
        throw cliFailure("turso", `turso db show ${name}`, res);
      }
      const url = res.stdout.trim();
      if (!url.startsWith("libsql://")) {
        throw cliFailure("turso", `turso db show ${name} --url (unexpected output)`, res);
      }
      return url;
    },

    async createDb(name, group) {
      const res = await turso(["db", "create", name, "--group", group]);
      if (res.exitCode === 0) return { existed: false };
      if (/already exists/i.test(res.stderr)) return { existed: true };
      throw cliFailure("turso", `turso db create ${name}`, res);
    },

    async mintToken(name) {
      const res = await turso(["db", "tokens", "create", name]);
      const jwt = res.stdout.trim();
      if (res.exitCode !== 0 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(jwt)) {
        throw cliFailure("turso", `turso db tokens create ${name}`, {
          ...res,
          stdout: "(token output withheld)",
        });
      }
      return jwt;
    },
  };
}
