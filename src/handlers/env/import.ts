// `efs env import FILE`: dotenv or JSON → vault, every line and value checked before
// anything is stored (all or nothing).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { catalogEntry } from "@efs/core/env-catalog";
import { EfsError, EXIT, usageError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import {
  decodeFile,
  detectFormat,
  ENV_FILE_FORMATS,
  type EnvFileFormat,
  parseDotenv,
  parseJsonVars,
} from "../../vault/env-file";
import { projectVault } from "../../vault/open";
import { describeBadName, NAME_PATTERN, valueProblem } from "../../vault/state";

// Imports all variables of a dotenv or JSON file, or none when anything is wrong with it.
export async function envImport(
  rt: Runtime,
  args: { file: string; format?: string },
): Promise<CommandResult> {
  const format =
    args.format === undefined ? undefined : ENV_FILE_FORMATS.find((f) => f === args.format);
  if (args.format !== undefined && !format)
    throw usageError(
      `--format ${args.format} is not supported`,
      "pass --format dotenv or --format json",
    );
  const path = resolve(rt.cwd, args.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new EfsError(
      `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        fix: "pass the path of an existing .env or .json file (relative to --cwd)",
        exitCode: EXIT.usage,
        code: "USAGE",
      },
    );
  }
  const decoded = decodeFile(bytes);
  if ("badLine" in decoded) {
    throw new EfsError(
      `Nothing imported from ${path}: line ${decoded.badLine} is not valid UTF-8 text`,
      {
        fix: "save the file as UTF-8 (values are text; encode binary data as base64 first)",
        exitCode: EXIT.usage,
        code: "INVALID_VALUE",
      },
    );
  }
  const used: EnvFileFormat = format ?? detectFormat(path, decoded.text);
  const parsed = used === "json" ? parseJsonVars(decoded.text) : parseDotenv(decoded.text);
  // Every value is registered before any message is built: a value the checks refuse may
  // still be a secret.
  for (const v of parsed.vars) {
    const e = catalogEntry(v.name);
    if (!e || e.secret) rt.redactor.add(v.value, NAME_PATTERN.test(v.name) ? v.name : "value");
  }
  const problems = [
    ...parsed.problems,
    ...parsed.vars.flatMap((v) => {
      const where = used === "dotenv" ? `line ${v.line}: ` : "";
      if (!NAME_PATTERN.test(v.name)) return [`${where}${describeBadName(v.name)}`];
      const p = valueProblem(v.name, v.value);
      return p ? [`${where}${p}`] : [];
    }),
  ];
  if (problems.length > 0) {
    throw new EfsError(`Nothing imported from ${path}:\n  ${problems.join("\n  ")}`, {
      fix: "fix those lines in the file and run efs env import again (docs/vault.md lists the import rules)",
      exitCode: EXIT.usage,
      code: "INVALID_VALUE",
    });
  }
  if (parsed.vars.length === 0) {
    throw new EfsError(`${path} has no variables`, {
      fix:
        used === "json"
          ? 'the file should hold one object: {"NAME": "value", …}'
          : "check the file: lines look like NAME=value",
      exitCode: EXIT.usage,
      code: "USAGE",
    });
  }
  const vault = projectVault(rt);
  const before = await vault.read();
  const replacing = parsed.vars.filter(
    (v) => before.get(v.name) !== undefined && before.get(v.name) !== v.value,
  );
  if (replacing.length > 0) {
    const ok = await rt.prompter.confirm({
      message: `Replace ${replacing.length} existing value(s): ${replacing.map((v) => v.name).join(", ")}?`,
      flag: "--yes",
    });
    if (!ok)
      throw new EfsError("Nothing imported: replacing existing values was declined", {
        code: "DECLINED",
      });
  }
  const results = await vault.update((d) =>
    parsed.vars.map((v) => ({ name: v.name, result: d.set(v.name, v.value) })),
  );
  const count = (r: string) => results.filter((x) => x.result === r).length;
  const unknown = results.filter((r) => !catalogEntry(r.name)).map((r) => r.name);
  if (unknown.length)
    rt.out.warn(`not in the env catalog (stored, never pushed): ${unknown.join(", ")}`);
  rt.out.success(
    `Imported ${results.length} variable(s) from ${used}: ${count("created")} new, ${count("updated")} updated, ${count("unchanged")} unchanged`,
  );
  return { data: { file: path, format: used, variables: results } };
}
