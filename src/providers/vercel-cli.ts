// `vercel` CLI for link and deploy; the token travels in VERCEL_TOKEN, never argv.
import { cliFailure, runCli } from "./cli-run";

export interface VercelCli {
  link(cwd: string, project: string, team?: string): Promise<void>;
  deployProd(cwd: string): Promise<string>;
}

// Wraps the vercel CLI with the token and team in the child's env; `signal` cancels it.
export function createVercelCli(
  token: string,
  env: Record<string, string | undefined> = {},
  signal?: AbortSignal,
): VercelCli {
  const childEnv = { ...env, VERCEL_TOKEN: token };
  return {
    async link(cwd, project, team) {
      const args = ["link", "--yes", "--project", project, ...(team ? ["--scope", team] : [])];
      const res = await runCli("vercel", "vercel", args, {
        cwd,
        env: childEnv,
        secrets: [token],
        signal,
      });
      if (res.exitCode !== 0) throw cliFailure("vercel", "vercel link", res, [token]);
    },

    async deployProd(cwd) {
      const res = await runCli("vercel", "vercel", ["deploy", "--prod", "--yes"], {
        cwd,
        env: childEnv,
        secrets: [token],
        signal,
      });
      // Only the deployment URL goes to stdout; progress goes to stderr.
      const url = res.stdout.trim().split("\n").pop()?.trim() ?? "";
      if (res.exitCode !== 0 || !/^https:\/\/\S+$/.test(url)) {
        throw cliFailure("vercel", "vercel deploy --prod", res, [token]);
      }
      return url;
    },
  };
}
