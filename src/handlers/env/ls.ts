// `efs env ls`: the tracking table.
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import { envRows } from "./rows";

// Prints every variable with its redacted value, source, pushes and sync state.
export async function envLs(rt: Runtime, args: { setOnly: boolean }): Promise<CommandResult> {
  const vault = projectVault(rt);
  const state = await vault.read();
  const rows = envRows(state, args.setOnly);
  const c = rt.out.color;
  rt.out.table(
    ["VARIABLE", "SOURCE", "VALUE", "PUSHED", "IN SYNC"],
    rows.map((r) => [
      r.name,
      r.source,
      r.value ?? c.dim("(not set)"),
      Object.keys(r.pushes).length
        ? Object.entries(r.pushes)
            .map(([t, p]) => `${t}${p.inSync ? "" : "*"}`)
            .join(", ")
        : "-",
      r.inSync === null ? "-" : r.inSync ? c.green("yes") : c.yellow("no"),
    ]),
  );
  if (!state.projectId)
    rt.out.info(`No vault yet (${vault.path}). Add values with efs env set NAME or efs init.`);
  else if (rows.some((r) => r.inSync === false)) rt.out.info("* changed since the last push");
  return {
    data: {
      vault: { path: vault.path, exists: state.projectId !== null, projectId: state.projectId },
      variables: rows,
    },
  };
}
