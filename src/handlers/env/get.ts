// `efs env get NAME [--reveal]`.
import { EfsError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import { assertName } from "../../vault/state";
import { envRow } from "./rows";

// Shows one variable; the value itself only with --reveal.
export async function envGet(
  rt: Runtime,
  args: { name: string; reveal: boolean },
): Promise<CommandResult> {
  assertName(args.name);
  const state = await projectVault(rt).read();
  const value = state.get(args.name);
  if (value === undefined) {
    throw new EfsError(`${args.name} is not in the vault`, {
      fix: `run efs env set ${args.name} (or efs env ls to see what is set)`,
      code: "NOT_SET",
    });
  }
  const row = envRow(state, args.name);
  if (args.reveal) rt.out.reveal(value);
  else
    rt.out.print(
      `${row.name}=${row.value}  (source ${row.source}, updated ${row.updatedAt}; --reveal prints the value)`,
    );
  return {
    data: { ...row, value: args.reveal ? value : row.value, revealed: args.reveal },
    reveal: args.reveal,
  };
}
