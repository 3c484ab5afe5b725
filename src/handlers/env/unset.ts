// `efs env unset NAME`.

import { redact as maskValue } from "@efs/core/secret";
import { EfsError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import { assertName } from "../../vault/state";

// Removes a variable after confirmation (--yes); removing an absent one is a no-op.
export async function envUnset(rt: Runtime, args: { name: string }): Promise<CommandResult> {
  assertName(args.name);
  const vault = projectVault(rt);
  const old = (await vault.read()).entry(args.name);
  if (!old) {
    rt.out.warn(`${args.name} is not in the vault; nothing to remove`);
    return { data: { name: args.name, removed: false } };
  }
  const pushed = Object.keys(old.pushes);
  const ok = await rt.prompter.confirm({
    message: `Remove ${args.name} (${maskValue(old.value)}) from the vault?${pushed.length ? ` It stays on ${pushed.join(", ")}.` : ""}`,
    flag: "--yes",
  });
  if (!ok) throw new EfsError(`Kept ${args.name}: removing it was declined`, { code: "DECLINED" });
  const removed = await vault.update((d) => d.unset(args.name));
  rt.out.success(
    `Removed ${args.name}${pushed.length ? ` (still set on ${pushed.join(", ")})` : ""}`,
  );
  return { data: { name: args.name, removed, stillPushedTo: pushed } };
}
