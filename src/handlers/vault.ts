// `efs vault status | key | hook install`.
import { statSync } from "node:fs";
import { EfsError } from "../errors";
import type { CommandResult, Runtime } from "../runtime";
import { hookInstalled, installHook } from "../vault/hook";
import { keyFilePath } from "../vault/key";
import { projectVault } from "../vault/open";

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
  rt.out.print(`guard:   ${hook ? "installed" : "not installed (efs vault hook install)"}`);
  return {
    data: {
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

// Shows where the key lives; with --reveal prints it for a backup or for CI.
export async function vaultKey(rt: Runtime, args: { reveal: boolean }): Promise<CommandResult> {
  const vault = projectVault(rt);
  const key = await vault.key();
  if (!key) {
    throw new EfsError("There is no vault yet, so there is no key", {
      fix: "store a value first: efs env set NAME (or efs init)",
      code: "NO_VAULT",
    });
  }
  const header = vault.header();
  const b64 = key.keys.master.toString("base64");
  if (args.reveal) {
    rt.out.reveal(b64);
    rt.out.info("Keep it in a password manager; CI passes it as EFS_VAULT_KEY.");
  } else {
    rt.out.print(`key id ${key.keys.id} from ${key.source}`);
    rt.out.info("efs vault key --reveal prints it (for a backup or EFS_VAULT_KEY in CI).");
  }
  return {
    data: {
      keyId: key.keys.id,
      source: key.source,
      kdf: header?.kdf ?? null,
      ...(args.reveal ? { key: b64 } : {}),
    },
    reveal: args.reveal,
  };
}

// Installs the git pre-commit guard.
export async function vaultHookInstall(rt: Runtime): Promise<CommandResult> {
  const res = await installHook(rt.cwd, rt.env);
  rt.out.success(`pre-commit guard ${res.action}: ${res.path}`);
  return { data: res };
}
