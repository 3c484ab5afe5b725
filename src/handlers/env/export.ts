// `efs env export --format dotenv|json (--out FILE | --reveal)`: efs env import reads
// either file back with every value unchanged.
import { resolve } from "node:path";
import { EfsError, EXIT, usageError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { writeFileAtomic } from "../../vault/atomic";
import { ENV_FILE_FORMATS, formatEnvFile } from "../../vault/env-file";
import { projectVault } from "../../vault/open";

// Writes every value to a 0600 file, or prints them when explicitly revealed.
export async function envExport(
  rt: Runtime,
  args: { format: string; out?: string; reveal: boolean },
): Promise<CommandResult> {
  const format = ENV_FILE_FORMATS.find((f) => f === args.format);
  if (!format)
    throw usageError(
      `--format ${args.format} is not supported`,
      "pass --format dotenv or --format json",
    );
  if (!args.out && !args.reveal) {
    throw new EfsError(
      "efs env export writes secret values: refusing to print them without --reveal",
      {
        fix: "pass --out FILE (written with mode 0600) or --reveal to print to stdout",
        exitCode: EXIT.usage,
        code: "USAGE",
      },
    );
  }
  const entries = (await projectVault(rt).read()).entries();
  const values = Object.fromEntries(entries.map((e) => [e.name, e.value]));
  const body = formatEnvFile(format, entries);
  if (args.out) {
    const path = resolve(rt.cwd, args.out);
    writeFileAtomic(path, body, 0o600);
    rt.out.success(
      `Wrote ${entries.length} variable(s) to ${path} (mode 0600) — keep it out of git`,
    );
    return { data: { path, format, count: entries.length } };
  }
  if (!rt.globals.json) rt.out.reveal(body.replace(/\n$/, ""));
  return { data: { format, count: entries.length, values }, reveal: true };
}
