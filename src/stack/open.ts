// Builds the verify/sync context for a command run from the runtime.
import { type InitFlags, resolveInputs } from "../checklist/inputs";
import { endpointsFromEnv } from "../providers/endpoints";
import type { Runtime } from "../runtime";
import { projectVault } from "../vault/open";
import type { Vault } from "../vault/vault";
import { VerifyContext } from "./context";

// The vault and a context over a fresh snapshot of it.
// `flags`: the target flags of the command (--vercel-project, --render-service, …).
export async function openContext(
  rt: Runtime,
  flags: InitFlags = {},
): Promise<{ vault: Vault; ctx: VerifyContext }> {
  const vault = projectVault(rt);
  const ctx = await contextFor(rt, vault, flags);
  return { vault, ctx };
}

// A context over the vault as it is now (call again after writing to it).
export async function contextFor(
  rt: Runtime,
  vault: Vault,
  flags: InitFlags = {},
): Promise<VerifyContext> {
  const base = Number(rt.env.EFS_HTTP_BASE_DELAY_MS);
  const state = await vault.read();
  return new VerifyContext({
    cwd: rt.cwd,
    env: rt.env,
    inputs: resolveInputs(flags, rt.env, state),
    endpoints: endpointsFromEnv(rt.env),
    vault: state,
    redactor: rt.redactor,
    signal: rt.signal,
    http: Number.isFinite(base) && base > 0 ? { baseDelayMs: base } : undefined,
  });
}
