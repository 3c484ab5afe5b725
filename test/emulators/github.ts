// Stateful GitHub Actions secrets emulation (sealed boxes kept so tests can open them):
// public key, list, create/update, delete.

import sodium from "libsodium-wrappers";
import { HttpResponse } from "msw";
import { bearer, type Ctx, fail, route } from "./route";
import type { EmulatorState } from "./state";

// msw handlers for the GitHub REST API under `base`.
export function githubHandlers(state: EmulatorState, base: string) {
  const gh = state.github;
  const r = (
    m: Parameters<typeof route>[2],
    p: string,
    h: (c: Ctx, repo: NonNullable<ReturnType<typeof gh.repos.get>>) => Response | Promise<Response>,
  ) =>
    route(state, "github", m, base, p, (ctx) => {
      const tok = gh.tokens.get(bearer(ctx.request) ?? "");
      if (!tok) return fail("github", 401, "Bad credentials");
      const repo = gh.repos.get(`${ctx.params.owner}/${ctx.params.repo}`);
      if (!repo) return fail("github", 404, "Not Found");
      if (!tok.canSecrets)
        return fail("github", 403, "Resource not accessible by personal access token");
      return h(ctx, repo);
    });
  return [
    r("get", "/repos/:owner/:repo/actions/secrets/public-key", () =>
      HttpResponse.json({ key_id: gh.keyId, key: Buffer.from(gh.publicKey).toString("base64") }),
    ),
    r("get", "/repos/:owner/:repo/actions/secrets", (_ctx, repo) => {
      const secrets = [...repo.secrets].map(([name, s]) => ({
        name,
        created_at: s.updated_at,
        updated_at: s.updated_at,
      }));
      return HttpResponse.json({ total_count: secrets.length, secrets });
    }),
    r("put", "/repos/:owner/:repo/actions/secrets/:name", async (ctx, repo) => {
      const body = (await ctx.json()) as { encrypted_value?: string; key_id?: string };
      if (body.key_id !== gh.keyId || !body.encrypted_value)
        return fail("github", 422, "Invalid request: key_id does not match");
      const name = String(ctx.params.name);
      const existed = repo.secrets.has(name);
      repo.secrets.set(name, {
        sealed: body.encrypted_value,
        updated_at: new Date().toISOString(),
      });
      return existed
        ? new HttpResponse(null, { status: 204 })
        : HttpResponse.json({}, { status: 201 });
    }),
    r("delete", "/repos/:owner/:repo/actions/secrets/:name", (ctx, repo) =>
      repo.secrets.delete(String(ctx.params.name))
        ? new HttpResponse(null, { status: 204 })
        : fail("github", 404, "Not Found"),
    ),
  ];
}

// Opens a stored sealed secret (tests check what efs actually sent).
export async function openGitHubSecret(
  state: EmulatorState,
  repo: string,
  name: string,
): Promise<string | undefined> {
  await sodium.ready;
  const s = state.github.repos.get(repo)?.secrets.get(name);
  if (!s) return undefined;
  const plain = sodium.crypto_box_seal_open(
    sodium.from_base64(s.sealed, sodium.base64_variants.ORIGINAL),
    state.github.publicKey,
    state.github.privateKey,
  );
  return sodium.to_string(plain);
}

// A libsodium key pair for the emulated repository.
export async function githubKeyPair() {
  await sodium.ready;
  return sodium.crypto_box_keypair();
}
