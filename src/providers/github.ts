// GitHub client: the repository's Actions public key and sealed-box secrets.
import { ProviderError } from "./errors";
import { createHttp, type HttpConfig, type ParsedError } from "./http";
import { sealForGitHub } from "./sealed-box";

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface GitHubClient {
  getPublicKey(repo: RepoRef): Promise<{ key_id: string; key: string }>;
  listSecrets(repo: RepoRef): Promise<{ name: string; updated_at: string }[]>;
  putSecret(repo: RepoRef, name: string, value: string): Promise<"created" | "updated">;
  // Deletes an Actions secret; "gone" when it did not exist.
  deleteSecret(repo: RepoRef, name: string): Promise<"deleted" | "gone">;
}

const GITHUB_TOKEN_HELP =
  "create a fine-grained token at https://github.com/settings/personal-access-tokens with Secrets: Read and write on the repository, and set GITHUB_TOKEN";

function parseError(body: unknown): ParsedError {
  const m = (body as { message?: string } | undefined)?.message;
  return typeof m === "string" ? { message: m } : {};
}

function hint(status: number): string | undefined {
  if (status === 401) return `GITHUB_TOKEN is invalid: ${GITHUB_TOKEN_HELP}`;
  if (status === 403 || status === 404) {
    return `GITHUB_TOKEN cannot manage Actions secrets on this repository (needs Secrets: Read and write): ${GITHUB_TOKEN_HELP}; check --github-repo`;
  }
  return undefined;
}

export interface GitHubOptions extends Partial<HttpConfig> {
  token: string;
  baseUrl: string;
}

// Creates the GitHub client for one token.
export function createGitHubClient(opts: GitHubOptions): GitHubClient {
  const http = createHttp({
    ...opts,
    provider: "github",
    baseUrl: opts.baseUrl,
    headers: {
      authorization: `Bearer ${opts.token}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
    },
    secrets: [opts.token],
    parseError,
    hint,
  });
  const base = (r: RepoRef) => `/repos/${r.owner}/${r.repo}/actions/secrets`;
  let cachedKey: { key_id: string; key: string } | undefined;

  return {
    async getPublicKey(repo) {
      cachedKey ??= (
        await http.request<{ key_id: string; key: string }>("GET", `${base(repo)}/public-key`, {
          operation: "get the Actions public key",
        })
      ).data;
      return cachedKey;
    },

    async listSecrets(repo) {
      const out: { name: string; updated_at: string }[] = [];
      for (let page = 1; page <= 20; page++) {
        const res = await http.request<{
          total_count: number;
          secrets: { name: string; updated_at: string }[];
        }>("GET", base(repo), {
          operation: "list Actions secrets",
          query: { per_page: 100, page },
        });
        out.push(...res.data.secrets);
        if (out.length >= res.data.total_count || res.data.secrets.length === 0) break;
      }
      return out;
    },

    async putSecret(repo, name, value) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
        throw new ProviderError({
          provider: "github",
          operation: `set secret ${name}`,
          providerMessage: "invalid secret name",
          hint: "use letters, digits and _ without the GITHUB_ prefix",
        });
      }
      const key = await this.getPublicKey(repo);
      const encrypted_value = await sealForGitHub(key.key, value);
      const res = await http.request("PUT", `${base(repo)}/${name}`, {
        operation: `set secret ${name}`,
        body: { encrypted_value, key_id: key.key_id },
        secrets: [value],
      });
      return res.status === 201 ? "created" : "updated";
    },

    async deleteSecret(repo, name) {
      const res = await http.request("DELETE", `${base(repo)}/${encodeURIComponent(name)}`, {
        operation: `delete secret ${name}`,
        accept: [404],
      });
      return res.status === 404 ? "gone" : "deleted";
    },
  };
}
