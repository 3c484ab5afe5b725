// What every check gets: the vault snapshot, env, provider clients built on first use, and
// the identities of the deployed resources (Vercel project, Render service, GitHub repo).
import { type CloudflareClient, createCloudflareClient } from "../providers/cloudflare";
import type { Endpoints } from "../providers/endpoints";
import { parseRepoArg, repoFromGit } from "../providers/git-remote";
import { createGitHubClient, type GitHubClient, type RepoRef } from "../providers/github";
import { createModalCli, type ModalCli } from "../providers/modal-cli";
import { createRenderClient, type RenderClient, type RenderService } from "../providers/render";
import { createVercelClient, type VercelClient } from "../providers/vercel";
import type { Redactor } from "../redact";
import type { VaultState } from "../vault/state";

export interface VerifyContextInit {
  cwd: string;
  env: Readonly<NodeJS.ProcessEnv>;
  endpoints: Endpoints;
  vault: VaultState;
  redactor: Redactor;
  signal?: AbortSignal;
  now?: () => number;
  http?: { baseDelayMs?: number; maxTries?: number; timeoutMs?: number };
}

/** Thrown by a client accessor when its credential is missing: the check turns it into a WARN. */
export class MissingCredential extends Error {
  readonly fix: string;
  constructor(name: string, fix: string) {
    super(`${name} is not set, so this could not be checked`);
    this.fix = fix;
  }
}

/** Built once per `efs verify` / `efs env` run. */
export class VerifyContext {
  readonly cwd: string;
  readonly env: Readonly<NodeJS.ProcessEnv>;
  readonly endpoints: Endpoints;
  readonly vault: VaultState;
  readonly redactor: Redactor;
  readonly signal: AbortSignal | undefined;
  readonly now: () => number;
  readonly #http: VerifyContextInit["http"];
  readonly #once = new Map<string, Promise<unknown>>();

  constructor(init: VerifyContextInit) {
    this.cwd = init.cwd;
    this.env = init.env;
    this.endpoints = init.endpoints;
    this.vault = init.vault;
    this.redactor = init.redactor;
    this.signal = init.signal;
    this.now = init.now ?? Date.now;
    this.#http = init.http;
  }

  // A vault value, else the catalog's fixed value is not applied here (callers decide).
  get(name: string): string | undefined {
    return this.vault.get(name);
  }

  // The env value of a credential, registered with the redactor.
  credential(name: string, fix: string): string {
    const v =
      this.env[name]?.trim() || (name === "VERCEL_TOKEN" ? this.vault.get(name) : undefined);
    if (!v) throw new MissingCredential(name, fix);
    this.redactor.add(v, name);
    return v;
  }

  #memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.#once.has(key)) this.#once.set(key, make());
    return this.#once.get(key) as Promise<T>;
  }

  // Bucket settings (lifecycle) need the bootstrap token: the S3 keys are object-scoped.
  cloudflare(): Promise<CloudflareClient> {
    return this.#memo("cloudflare", async () => {
      const fix =
        "export CLOUDFLARE_API_TOKEN (the token efs init used; https://dash.cloudflare.com/profile/api-tokens)";
      const token = this.credential("CLOUDFLARE_API_TOKEN", fix);
      const accountId = this.env.CLOUDFLARE_ACCOUNT_ID?.trim() || this.vault.get("R2_ACCOUNT_ID");
      if (!accountId) throw new MissingCredential("CLOUDFLARE_ACCOUNT_ID", fix);
      return createCloudflareClient({
        ...this.#http,
        token,
        accountId,
        baseUrl: this.endpoints.cloudflare,
      });
    });
  }

  vercel(): Promise<VercelClient> {
    return this.#memo("vercel", async () => {
      const org = this.env.VERCEL_TEAM_ID || this.vault.get("VERCEL_ORG_ID");
      return createVercelClient({
        ...this.#http,
        token: this.credential(
          "VERCEL_TOKEN",
          "export VERCEL_TOKEN (https://vercel.com/account/tokens)",
        ),
        teamId: org?.startsWith("team_") ? org : undefined,
        baseUrl: this.endpoints.vercel,
      });
    });
  }

  // The Vercel project id (vault VERCEL_PROJECT_ID, else EFS_VERCEL_PROJECT, else efs-web).
  vercelProject(): string {
    return this.vault.get("VERCEL_PROJECT_ID") ?? (this.env.EFS_VERCEL_PROJECT || "efs-web");
  }

  render(): Promise<RenderClient> {
    return this.#memo("render", async () =>
      createRenderClient({
        ...this.#http,
        apiKey: this.credential(
          "RENDER_API_KEY",
          "export RENDER_API_KEY (https://dashboard.render.com/u/settings#api-keys)",
        ),
        baseUrl: this.endpoints.render,
      }),
    );
  }

  // The worker service: the id efs init recorded, else looked up by name; undefined if none.
  renderService(): Promise<RenderService | undefined> {
    return this.#memo("render-service", async () => {
      const api = await this.render();
      const name = this.env.EFS_RENDER_SERVICE || "efs-worker";
      const owners = this.env.RENDER_OWNER_ID
        ? [{ id: this.env.RENDER_OWNER_ID }]
        : await api.listOwners();
      for (const o of owners) {
        const s = await api.findService(name, o.id);
        if (s) return s;
      }
      return undefined;
    });
  }

  github(): Promise<GitHubClient> {
    return this.#memo("github", async () =>
      createGitHubClient({
        ...this.#http,
        token: this.credential(
          "GITHUB_TOKEN",
          "export GITHUB_TOKEN (fine-grained, Secrets: Read and write on the repository)",
        ),
        baseUrl: this.endpoints.github,
      }),
    );
  }

  // owner/repo from GITHUB_REPOSITORY, else the `origin` remote.
  githubRepo(): Promise<RepoRef | null> {
    return this.#memo("github-repo", async () => {
      const given = this.env.GITHUB_REPOSITORY;
      return given ? parseRepoArg(given) : repoFromGit(this.cwd);
    });
  }

  modalCli(): ModalCli {
    return createModalCli({ ...this.env });
  }
}
