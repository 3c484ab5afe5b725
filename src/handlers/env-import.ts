// `efs env import FILE`: dotenv → vault, every value validated before anything is stored.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { catalogEntry, validateVar } from "@efs/core/env-catalog";
import dotenv from "dotenv";
import { EfsError, EXIT } from "../errors";
import type { CommandResult, Runtime } from "../runtime";
import { projectVault } from "../vault/open";
import { NAME_PATTERN } from "../vault/state";

// Imports all variables of a dotenv file, or none when any is invalid.
export async function envImport(rt: Runtime, args: { file: string }): Promise<CommandResult> {
  const path = resolve(rt.cwd, args.file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new EfsError(
      `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        fix: "pass the path of an existing .env file (relative to --cwd)",
        exitCode: EXIT.usage,
        code: "USAGE",
      },
    );
  }
  const parsed = dotenv.parse(text);
  for (const [name, value] of Object.entries(parsed)) {
    if (!catalogEntry(name) || catalogEntry(name)?.secret) rt.redactor.add(value, name);
  }
  const problems = Object.entries(parsed).flatMap(([name, value]) => {
    if (!NAME_PATTERN.test(name)) return [`${name} is not an UPPER_SNAKE_CASE name`];
    const p = validateVar(name, value);
    return p ? [p] : [];
  });
  if (Object.keys(parsed).length === 0) {
    throw new EfsError(`${path} has no variables`, {
      fix: "check the file: lines look like NAME=value",
      exitCode: EXIT.usage,
      code: "USAGE",
    });
  }
  if (problems.length > 0) {
    throw new EfsError(`Nothing imported from ${path}: ${problems.join("; ")}`, {
      fix: "fix those lines in the file and run efs env import again",
      exitCode: EXIT.usage,
      code: "INVALID_VALUE",
    });
  }
  const vault = projectVault(rt);
  const before = await vault.read();
  const replacing = Object.entries(parsed).filter(
    ([n, v]) => before.get(n) !== undefined && before.get(n) !== v,
  );
  if (replacing.length > 0) {
    const ok = await rt.prompter.confirm({
      message: `Replace ${replacing.length} existing value(s): ${replacing.map(([n]) => n).join(", ")}?`,
      flag: "--yes",
    });
    if (!ok)
      throw new EfsError("Nothing imported: replacing existing values was declined", {
        code: "DECLINED",
      });
  }
  const results = await vault.update((d) =>
    Object.entries(parsed).map(([name, value]) => ({ name, result: d.set(name, value) })),
  );
  const count = (r: string) => results.filter((x) => x.result === r).length;
  const unknown = results.filter((r) => !catalogEntry(r.name)).map((r) => r.name);
  if (unknown.length)
    rt.out.warn(`not in the env catalog (stored, never pushed): ${unknown.join(", ")}`);
  rt.out.success(
    `Imported ${results.length} variable(s): ${count("created")} new, ${count("updated")} updated, ${count("unchanged")} unchanged`,
  );
  return { data: { file: path, variables: results } };
}
