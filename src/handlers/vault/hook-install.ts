// `efs vault hook install`: the git pre-commit guard that keeps secrets out of commits.
import type { CommandResult, Runtime } from "../../runtime";
import { installHook } from "../../vault/hook";

// Installs the git pre-commit guard.
export async function vaultHookInstall(rt: Runtime): Promise<CommandResult> {
  const res = await installHook(rt.cwd, rt.env);
  rt.out.success(`pre-commit guard ${res.action}: ${res.path}`);
  return { data: res };
}
