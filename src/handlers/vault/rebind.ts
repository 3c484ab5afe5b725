// `efs vault rebind`: binds the vault to this checkout's git origin.
import { EfsError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import { boundOrigin, projectOrigin } from "../../vault/project";

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
