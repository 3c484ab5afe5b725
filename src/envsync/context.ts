// Builds the verify/sync context for a command run from the runtime.
import { endpointsFromEnv } from "../providers/endpoints";
import type { Runtime } from "../runtime";
import { projectVault } from "../vault/open";
import type { Vault } from "../vault/vault";
import { VerifyContext } from "../verify/context";

// The vault and a context over a fresh snapshot of it.
export async function openContext(rt: Runtime): Promise<{ vault: Vault; ctx: VerifyContext }> {
  const vault = projectVault(rt);
  const ctx = await contextFor(rt, vault);
  return { vault, ctx };
}

// A context over the vault as it is now (call again after writing to it).
export async function contextFor(rt: Runtime, vault: Vault): Promise<VerifyContext> {
  const base = Number(rt.env.EFS_HTTP_BASE_DELAY_MS);
  return new VerifyContext({
    cwd: rt.cwd,
    env: rt.env,
    endpoints: endpointsFromEnv(rt.env),
    vault: await vault.read(),
    redactor: rt.redactor,
    signal: rt.signal,
    http: Number.isFinite(base) && base > 0 ? { baseDelayMs: base } : undefined,
  });
}
