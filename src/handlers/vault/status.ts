// `efs vault status`: the vault file, its key and binding, and the pre-commit guard.
import { statSync } from "node:fs";
import type { CommandResult, Runtime } from "../../runtime";
import { hookInstalled } from "../../vault/hook";
import { keyFilePath } from "../../vault/key";
import { projectVault } from "../../vault/open";
import { boundOrigin } from "../../vault/project";

// Reports the vault path, mode, key source and guard state.
export async function vaultStatus(rt: Runtime): Promise<CommandResult> {
  const vault = projectVault(rt);
  const header = vault.header();
  const hook = await hookInstalled(rt.cwd, rt.env);
  if (!header) {
    rt.out.print(`vault:   ${vault.path} (not created yet)`);
    rt.out.print(`guard:   ${hook ? "installed" : "not installed (efs vault hook install)"}`);
    return { data: { path: vault.path, exists: false, hookInstalled: hook } };
  }
  const key = await vault.key();
  const state = await vault.read();
  const mode = (statSync(vault.path).mode & 0o777).toString(8);
  rt.out.print(`vault:   ${vault.path} (mode ${mode}, ${state.entries().length} variable(s))`);
  rt.out.print(`project: ${header.projectId}`);
  rt.out.print(
    `key:     ${key?.source} (key id ${header.keyId}, ${header.kdf === "scrypt" ? "passphrase/scrypt" : "random 32-byte key"})`,
  );
  const origin = boundOrigin(state.journal);
  rt.out.print(
    `bound:   ${origin ?? "to no repository yet (recorded on the next write in a git checkout)"}`,
  );
  rt.out.print(`guard:   ${hook ? "installed" : "not installed (efs vault hook install)"}`);
  return {
    data: {
      origin,
      path: vault.path,
      exists: true,
      mode,
      projectId: header.projectId,
      kdf: header.kdf,
      keyId: header.keyId,
      keySource: key?.source ?? null,
      keyFile: header.kdf === "raw" ? keyFilePath(rt.env, header.projectId) : null,
      variables: state.entries().length,
      hookInstalled: hook,
    },
  };
}
