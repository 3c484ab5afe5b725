// What every check gets: the vault snapshot, env, provider clients built on first use (by
// the one client factory), and the identities of the deployed resources (Vercel project,
// Render service, GitHub repo), resolved like efs init resolves them.
import type { InitInputs } from "../checklist/inputs";
import { describeSource, type Named, type NameKey } from "../checklist/names";
import { EfsError } from "../errors";
import type { CloudflareClient } from "../providers/cloudflare";
import type { Endpoints } from "../providers/endpoints";
import { hasStatus } from "../providers/errors";
import {
  type CredentialName,
  createProviderClients,
  type ProviderClients,
} from "../providers/factory";
import { parseRepoArg, repoFromGit } from "../providers/git-remote";
import type { GitHubClient, RepoRef } from "../providers/github";
import { createModalCli, type ModalCli } from "../providers/modal-cli";
import type { RenderClient, RenderService } from "../providers/render";
import type { TursoClient } from "../providers/turso";
import type { VercelClient } from "../providers/vercel";
import type { Redactor } from "../redact";
import type { VaultState } from "../vault/state";

export interface VerifyContextInit {
  cwd: string;
  env: Readonly<NodeJS.ProcessEnv>;
  // Credentials, Vercel team and resource names, resolved flag → env → vault → default.
  inputs: InitInputs;
  endpoints: Endpoints;
  vault: VaultState;
  redactor: Redactor;
  // The run's cancel signal (Ctrl-C / SIGTERM): every client and CLI run carries it.
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

// Where each credential comes from, for the WARN a missing one gives.
const CREDENTIAL_FIX: Record<CredentialName, string> = {
  CLOUDFLARE_API_TOKEN: "export CLOUDFLARE_API_TOKEN (API Tokens: Edit)",
  CLOUDFLARE_ACCOUNT_ID: "export CLOUDFLARE_ACCOUNT_ID (or pass --cloudflare-account)",
  TURSO_API_TOKEN: "export TURSO_API_TOKEN (turso auth api-tokens mint efs)",
  VERCEL_TOKEN: "export VERCEL_TOKEN (https://vercel.com/account/tokens)",
  RENDER_API_KEY: "export RENDER_API_KEY (https://dashboard.render.com/u/settings#api-keys)",
  GITHUB_TOKEN: "export GITHUB_TOKEN (fine-grained, Secrets: Read and write on the repository)",
};

/** Built once per `efs verify` / `efs env` / `efs rotate` run. */
export class VerifyContext {
  readonly cwd: string;
  readonly env: Readonly<NodeJS.ProcessEnv>;
  readonly inputs: InitInputs;
  readonly endpoints: Endpoints;
  readonly vault: VaultState;
  readonly redactor: Redactor;
  readonly signal: AbortSignal | undefined;
  readonly now: () => number;
  readonly #once = new Map<string, Promise<unknown>>();
  readonly #clients: ProviderClients;

  constructor(init: VerifyContextInit) {
    this.cwd = init.cwd;
    this.env = init.env;
    this.inputs = init.inputs;
    this.endpoints = init.endpoints;
    this.vault = init.vault;
    this.redactor = init.redactor;
    this.signal = init.signal;
    this.now = init.now ?? Date.now;
    this.#clients = createProviderClients({
      inputs: init.inputs,
      endpoints: init.endpoints,
      credential: async (name) => this.credential(name),
      http: init.http,
      signal: init.signal,
    });
  }

  // A vault value, else the catalog's fixed value is not applied here (callers decide).
  get(name: string): string | undefined {
    return this.vault.get(name);
  }

  // A credential (env, else the vault), registered with the redactor; missing: a WARN.
  credential(name: CredentialName, fix: string = CREDENTIAL_FIX[name]): string {
    const i = this.inputs;
    const v = {
      CLOUDFLARE_API_TOKEN: i.cloudflareToken,
      CLOUDFLARE_ACCOUNT_ID: i.cloudflareAccountId,
      TURSO_API_TOKEN: i.tursoToken,
      VERCEL_TOKEN: i.vercelToken,
      RENDER_API_KEY: i.renderApiKey,
      GITHUB_TOKEN: i.githubToken,
    }[name];
    if (!v) throw new MissingCredential(name, fix);
    if (name !== "CLOUDFLARE_ACCOUNT_ID") this.redactor.add(v, name);
    return v;
  }

  #memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.#once.has(key)) this.#once.set(key, make());
    return this.#once.get(key) as Promise<T>;
  }

  cloudflare(): Promise<CloudflareClient> {
    return this.#clients.cloudflare();
  }

  turso(): Promise<TursoClient> {
    return this.#clients.turso();
  }

  vercel(): Promise<VercelClient> {
    return this.#clients.vercel();
  }

  // A resource name as efs init resolves it (flag, env twin, the vault's record, the
  // checklist's), with where it came from.
  name(key: NameKey): Named {
    return this.inputs.names[key];
  }

  // The Vercel project (id or name): --vercel-project, EFS_VERCEL_PROJECT, else the vault's
  // VERCEL_PROJECT_ID (or the name init recorded), else the checklist's name.
  vercelProject(): string {
    const n = this.name("vercelProject");
    return n.source === "vault" ? (this.vault.get("VERCEL_PROJECT_ID") ?? n.value) : n.value;
  }

  // A 404 from a call on the Vercel project means the project is not there: that error
  // names it and where its id or name came from; any other error is returned as is.
  vercelNotFound(err: unknown): unknown {
    if (!hasStatus(err, 404)) return err;
    const n = this.name("vercelProject");
    const from =
      n.source === "vault" && this.vault.get("VERCEL_PROJECT_ID")
        ? "from VERCEL_PROJECT_ID in the vault"
        : describeSource(n);
    return new EfsError(
      `Vercel project ${this.vercelProject()} (${from}) does not exist, or VERCEL_TOKEN cannot see it`,
      {
        fix: "run efs init --only vercel to create or adopt the project, or point efs at yours: efs env set VERCEL_PROJECT_ID prj_… or --vercel-project (a team project also needs VERCEL_TEAM_ID)",
        code: "VERCEL_PROJECT_MISSING",
      },
    );
  }

  render(): Promise<RenderClient> {
    return this.#clients.render();
  }

  // The worker service (by the id efs init recorded, or by name); undefined if none.
  renderService(): Promise<RenderService | undefined> {
    return this.#memo("render-service", async () => {
      const api = await this.render();
      const worker = this.name("renderService");
      if (worker.id) return api.getService(worker.id);
      const name = worker.value;
      const owners = this.inputs.renderOwner
        ? [{ id: this.inputs.renderOwner }]
        : await api.listOwners();
      for (const o of owners) {
        const s = await api.findService(name, o.id);
        if (s) return s;
      }
      return undefined;
    });
  }

  github(): Promise<GitHubClient> {
    return this.#clients.github();
  }

  // owner/repo from --github-repo / GITHUB_REPOSITORY, else the `origin` remote.
  githubRepo(): Promise<RepoRef | null> {
    return this.#memo("github-repo", async () => {
      const given = this.inputs.githubRepo;
      return given ? parseRepoArg(given) : repoFromGit(this.cwd);
    });
  }

  modalCli(): ModalCli {
    return createModalCli({ ...this.env }, this.signal);
  }
}
