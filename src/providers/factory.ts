// The one way to build provider clients: every command (init, verify, env push/status,
// rotate) gets its clients here, from the same resolved inputs (checklist/inputs.ts) and
// the same credential lookup, so they always address the same team, account and names.
import type { R2Jurisdiction } from "@efs/core/r2";
import { type CloudflareClient, createCloudflareClient } from "./cloudflare";
import type { Endpoints } from "./endpoints";
import { createGitHubClient, type GitHubClient } from "./github";
import type { HttpConfig } from "./http";
import { createRenderClient, type RenderClient } from "./render";
import { createTursoClient, type TursoClient } from "./turso";
import { createVercelClient, type VercelClient } from "./vercel";

/** A credential the clients need; the caller resolves it (env, vault, prompt) or throws. */
export type CredentialName =
  | "CLOUDFLARE_API_TOKEN"
  | "CLOUDFLARE_ACCOUNT_ID"
  | "TURSO_API_TOKEN"
  | "VERCEL_TOKEN"
  | "RENDER_API_KEY"
  | "GITHUB_TOKEN";

export interface ClientFactoryInit {
  // The resolved inputs the clients depend on (checklist/inputs.ts InitInputs has them).
  inputs: { readonly bucketJurisdiction: R2Jurisdiction; readonly vercelTeam?: string };
  endpoints: Endpoints;
  credential: (name: CredentialName) => Promise<string>;
  // Retry/timeout settings and the retry reporter, shared by every client.
  http?: Partial<Omit<HttpConfig, "signal">>;
  // The run's cancel signal (Ctrl-C / SIGTERM), given to every client: a request in flight
  // and a retry wait are aborted, and no request starts after it.
  signal?: AbortSignal;
}

/** Provider clients built on first use, once each. */
export interface ProviderClients {
  cloudflare(): Promise<CloudflareClient>;
  turso(): Promise<TursoClient>;
  vercel(): Promise<VercelClient>;
  render(): Promise<RenderClient>;
  github(): Promise<GitHubClient>;
}

// Creates the lazy client set for one command run.
export function createProviderClients(init: ClientFactoryInit): ProviderClients {
  const made = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as Promise<T>;
  };
  const { inputs, endpoints, credential, signal } = init;
  const http: Partial<HttpConfig> = { ...init.http, signal };
  return {
    cloudflare: () =>
      once("cloudflare", async () =>
        createCloudflareClient({
          ...http,
          token: await credential("CLOUDFLARE_API_TOKEN"),
          accountId: await credential("CLOUDFLARE_ACCOUNT_ID"),
          jurisdiction: inputs.bucketJurisdiction,
          baseUrl: endpoints.cloudflare,
        }),
      ),
    turso: () =>
      once("turso", async () =>
        createTursoClient({
          ...http,
          token: await credential("TURSO_API_TOKEN"),
          baseUrl: endpoints.turso,
        }),
      ),
    vercel: () =>
      once("vercel", async () =>
        createVercelClient({
          ...http,
          token: await credential("VERCEL_TOKEN"),
          teamId: inputs.vercelTeam,
          baseUrl: endpoints.vercel,
        }),
      ),
    render: () =>
      once("render", async () =>
        createRenderClient({
          ...http,
          apiKey: await credential("RENDER_API_KEY"),
          baseUrl: endpoints.render,
        }),
      ),
    github: () =>
      once("github", async () =>
        createGitHubClient({
          ...http,
          token: await credential("GITHUB_TOKEN"),
          baseUrl: endpoints.github,
        }),
      ),
  };
}
