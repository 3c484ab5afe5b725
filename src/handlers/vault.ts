// `efs vault status | key | hook install`.
import { statSync } from "node:fs";
import { EfsError } from "../errors";
import type { CommandResult, Runtime } from "../runtime";
import { hookInstalled, installHook } from "../vault/hook";
import { keyFilePath } from "../vault/key";
import { projectVault } from "../vault/open";
import { boundOrigin, projectOrigin } from "../vault/project";

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

// Binds the vault to this checkout's origin (after a repository move or rename): the check
// that refuses a vault from another project then accepts it here.
export async function vaultRebind(rt: Runtime): Promise<CommandResult> {
  const vault = projectVault(rt, { rebind: true });
  const state = await vault.read();
  if (state.projectId === null) {
    throw new EfsError("There is no vault in this project to bind", {
      fix: "store a value first: efs env set NAME (or efs init)",
      code: "NO_VAULT",
    });
  }
  const here = await projectOrigin(rt.cwd);
  if (!here) {
    throw new EfsError(`${rt.cwd} has no git origin remote to bind the vault to`, {
      fix: "add the repository's remote first: git remote add origin <url>",
      code: "NO_ORIGIN",
    });
  }
  const before = boundOrigin(state.journal);
  if (before === here) {
    rt.out.success(`the vault is already bound to ${here}`);
    return { data: { origin: here, previous: before, changed: false } };
  }
  const ok = await rt.prompter.confirm({
    message: `Bind ${vault.path} (now bound to ${before ?? "no repository"}) to ${here}? Its values will then be used for this project`,
    flag: "--yes",
  });
  if (!ok)
    throw new EfsError("Kept the vault's binding: rebinding was declined", { code: "DECLINED" });
  await vault.update(() => undefined);
  rt.out.success(`the vault is now bound to ${here}`);
  return { data: { origin: here, previous: before, changed: true } };
}

// Installs the git pre-commit guard.
export async function vaultHookInstall(rt: Runtime): Promise<CommandResult> {
  const res = await installHook(rt.cwd, rt.env);
  rt.out.success(`pre-commit guard ${res.action}: ${res.path}`);
  return { data: res };
}
