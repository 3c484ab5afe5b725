// What a step gets: inputs, the vault and journal, provider clients and reporting hooks.
import { EfsError, throwIfInterrupted } from "../errors";
import type { CloudflareClient } from "../providers/cloudflare";
import type { Endpoints } from "../providers/endpoints";
import {
  type CredentialName,
  createProviderClients,
  type ProviderClients,
} from "../providers/factory";
import type { GitHubClient } from "../providers/github";
import type { RetryInfo } from "../providers/http";
import { createModalCli, type ModalCli } from "../providers/modal-cli";
import type { RenderClient } from "../providers/render";
import type { TursoClient } from "../providers/turso";
import { createTursoCli, type TursoCli } from "../providers/turso-cli";
import type { VercelClient } from "../providers/vercel";
import { createVercelCli, type VercelCli } from "../providers/vercel-cli";
import type { Redactor } from "../redact";
import type { Prompter } from "../ui/prompter";
import type { VaultState } from "../vault/state";
import type { InitInputs } from "./inputs";
import { type InitJournal, type Journal, readJournal } from "./journal";

export type TokenName = CredentialName;

// Where each credential is created, and with which scopes.
const TOKEN_HELP: Record<TokenName, string> = {
  CLOUDFLARE_API_TOKEN:
    'create a token at https://dash.cloudflare.com/profile/api-tokens with "Workers R2 Storage: Edit" and "API Tokens: Edit", then export CLOUDFLARE_API_TOKEN',
  CLOUDFLARE_ACCOUNT_ID:
    "copy the Account ID from the Cloudflare dashboard (R2 overview, right column) and pass --cloudflare-account or export CLOUDFLARE_ACCOUNT_ID",
  TURSO_API_TOKEN:
    "run `turso auth api-tokens mint efs` (or create one at https://app.turso.tech → Settings → API Tokens) and export TURSO_API_TOKEN — or log in with `turso auth login`",
  VERCEL_TOKEN:
    "create a token at https://vercel.com/account/tokens (scoped to the team that will own the project) and export VERCEL_TOKEN",
  RENDER_API_KEY:
    "create an API key at https://dashboard.render.com/u/settings#api-keys and export RENDER_API_KEY",
  GITHUB_TOKEN:
    "create a fine-grained token at https://github.com/settings/personal-access-tokens with Secrets: Read and write on the repository, and export GITHUB_TOKEN",
};

interface Reporter {
  say(message: string): void;
  warn(message: string): void;
  // A next step for the outro; a later message with the same key replaces nothing.
  next(message: string, key?: string): void;
}

export interface StepContextInit {
  cwd: string;
  inputs: InitInputs;
  env: Readonly<NodeJS.ProcessEnv>;
  endpoints: Endpoints;
  prompter: Prompter;
  redactor: Redactor;
  journal: Journal;
  readVault: () => Promise<VaultState>;
  reporter: Reporter;
  planning: boolean;
  http?: { baseDelayMs?: number; sleep?: (ms: number) => Promise<void> };
  // The run's cancel signal: every provider call and CLI run of every step carries it.
  signal?: AbortSignal;
}

/** Built once per run; clients are created on first use with resolved credentials. */
export class StepContext {
  readonly cwd: string;
  readonly inputs: InitInputs;
  readonly env: Readonly<NodeJS.ProcessEnv>;
  readonly endpoints: Endpoints;
  readonly prompter: Prompter;
  readonly journal: Journal;
  readonly planning: boolean;
  readonly signal: AbortSignal | undefined;
  readonly #o: StepContextInit;
  readonly #tokens = new Map<TokenName, string>();
  #provider: ProviderClients | undefined;

  constructor(init: StepContextInit) {
    this.#o = init;
    this.cwd = init.cwd;
    this.inputs = init.inputs;
    this.env = init.env;
    this.endpoints = init.endpoints;
    this.prompter = init.prompter;
    this.journal = init.journal;
    this.planning = init.planning;
    this.signal = init.signal;
  }

  // Throws the interruption once Ctrl-C / SIGTERM arrived: called before each change.
  checkpoint(): void {
    throwIfInterrupted(this.signal);
  }

  say(message: string): void {
    this.#o.reporter.say(message);
  }

  warn(message: string): void {
    this.#o.reporter.warn(message);
  }

  next(message: string, key?: string): void {
    this.#o.reporter.next(message, key);
  }

  // A fresh snapshot of the vault.
  vault(): Promise<VaultState> {
    return this.#o.readVault();
  }

  // The init journal as it is now.
  async journalState(): Promise<InitJournal> {
    return readJournal(await this.vault());
  }

  // A credential if given (env/flag); undefined otherwise — never prompts.
  given(name: TokenName): string | undefined {
    const known = this.#tokens.get(name);
    if (known) return known;
    const i = this.inputs;
    const map: Record<TokenName, string | undefined> = {
      CLOUDFLARE_API_TOKEN: i.cloudflareToken,
      CLOUDFLARE_ACCOUNT_ID: i.cloudflareAccountId,
      TURSO_API_TOKEN: i.tursoToken,
      VERCEL_TOKEN: i.vercelToken,
      RENDER_API_KEY: i.renderApiKey,
      GITHUB_TOKEN: i.githubToken,
    };
    return map[name];
  }

  // A credential: given, else asked (hidden) in a terminal, else a clear error naming it.
  async token(name: TokenName): Promise<string> {
    const given = this.given(name);
    if (given) return this.#keep(name, given);
    if (!this.prompter.interactive) {
      throw new EfsError(`${name} is not set`, {
        fix: TOKEN_HELP[name],
        exitCode: 2,
        code: "MISSING_TOKEN",
      });
    }
    const ask = name === "CLOUDFLARE_ACCOUNT_ID" ? this.prompter.text : this.prompter.password;
    const value = await ask.call(this.prompter, {
      message: `${name} (${TOKEN_HELP[name]})`,
      flag:
        name === "CLOUDFLARE_ACCOUNT_ID" ? "--cloudflare-account or CLOUDFLARE_ACCOUNT_ID" : name,
      validate: (v) => (v.trim() === "" ? "required" : undefined),
    });
    return this.#keep(name, value.trim());
  }

  #keep(name: TokenName, value: string): string {
    if (name !== "CLOUDFLARE_ACCOUNT_ID") this.#o.redactor.add(value, name);
    this.#tokens.set(name, value);
    return value;
  }

  // Registers a secret obtained at run time (minted tokens) with the redactor.
  secret(value: string, label: string): string {
    this.#o.redactor.add(value, label);
    return value;
  }

  #clients = (): ProviderClients => {
    this.#provider ??= createProviderClients({
      inputs: this.inputs,
      endpoints: this.endpoints,
      credential: (name) => this.token(name),
      http: {
        ...this.#o.http,
        onRetry: (r: RetryInfo) =>
          this.say(`${r.operation}: ${r.reason}, retrying in ${Math.round(r.delayMs)} ms`),
      },
      signal: this.signal,
    });
    return this.#provider;
  };

  cloudflare(): Promise<CloudflareClient> {
    return this.#clients().cloudflare();
  }

  turso(): Promise<TursoClient> {
    return this.#clients().turso();
  }

  tursoCli(): TursoCli {
    return createTursoCli(undefined, this.signal);
  }

  vercel(): Promise<VercelClient> {
    return this.#clients().vercel();
  }

  async vercelCli(): Promise<VercelCli> {
    return createVercelCli(await this.token("VERCEL_TOKEN"), {}, this.signal);
  }

  render(): Promise<RenderClient> {
    return this.#clients().render();
  }

  github(): Promise<GitHubClient> {
    return this.#clients().github();
  }

  // The run's env (not necessarily process.env) reaches the CLI: MODAL_TOKEN_*, PATH.
  modalCli(): ModalCli {
    return createModalCli({ ...this.env }, this.signal);
  }
}
