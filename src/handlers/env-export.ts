// `efs env export --format dotenv|json (--out FILE | --reveal)`.
import { resolve } from "node:path";
import { EfsError, EXIT, usageError } from "../errors";
import type { CommandResult, Runtime } from "../runtime";
import { writeFileAtomic } from "../vault/atomic";
import { projectVault } from "../vault/open";

const FORMATS = ["dotenv", "json"] as const;

// One dotenv line whose value dotenv.parse reads back unchanged.
export function dotenvLine(name: string, value: string): string {
  if (/^[A-Za-z0-9_\-.:/@+=,]*$/.test(value)) return `${name}=${value}`;
  if (!value.includes("'")) return `${name}='${value}'`;
  if (!value.includes('"')) return `${name}="${value}"`;
  throw new EfsError(`${name} contains both ' and " and cannot be written as dotenv`, {
    fix: "use --format json",
    code: "UNEXPORTABLE",
  });
}

// Writes every value to a 0600 file, or prints them when explicitly revealed.
export async function envExport(
  rt: Runtime,
  args: { format: string; out?: string; reveal: boolean },
): Promise<CommandResult> {
  const format = FORMATS.find((f) => f === args.format);
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
  const body =
    format === "json"
      ? `${JSON.stringify(values, null, 2)}\n`
      : entries.map((e) => dotenvLine(e.name, e.value)).join("\n") + (entries.length ? "\n" : "");
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
