// `efs env set NAME`: value from --value, piped stdin or a hidden prompt; validated first.
import { catalogEntry, validateVar } from "@efs/core/env-catalog";
import { redact as maskValue } from "@efs/core/secret";
import { EfsError, EXIT } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import { assertName, assertStorable } from "../../vault/state";
import { readPipedValue } from "./stdin";

const FLAG_HINT = 'pipe the value on stdin (printf %s "$VALUE" | efs env set NAME) or pass --value';

// Obtains the value without ever taking it from argv unless --value was given explicitly.
async function obtainValue(
  rt: Runtime,
  name: string,
  flagValue: string | undefined,
): Promise<string> {
  if (flagValue !== undefined) {
    rt.out.warn(
      `--value puts ${name}'s value in your shell history and the process list; prefer stdin or the prompt`,
    );
    rt.redactor.add(flagValue, name);
    return refuseReplaced(name, flagValue);
  }
  if (!rt.stdin.isTTY) {
    const piped = await readPipedValue(rt.stdin, FLAG_HINT);
    if (piped === "") {
      throw new EfsError(
        `No value for ${name}: stdin was empty and efs does not prompt without a terminal`,
        {
          fix: FLAG_HINT.replace("NAME", name),
          exitCode: EXIT.usage,
          code: "MISSING_ANSWER",
        },
      );
    }
    rt.redactor.add(piped, name);
    return piped;
  }
  const entry = catalogEntry(name);
  const value = await rt.prompter.password({
    message: `Value for ${name}${entry ? ` (${entry.description})` : ""}`,
    flag: "--value",
    validate: (v) => validateVar(name, v) ?? undefined,
  });
  rt.redactor.add(value, name);
  return refuseReplaced(name, value);
}

// Arguments and terminal input reach efs already decoded, with bytes that were not UTF-8
// replaced by U+FFFD: such a value is refused rather than stored altered.
function refuseReplaced(name: string, value: string): string {
  if (!value.includes("\uFFFD")) return value;
  throw new EfsError(
    `Refusing to store ${name}: it contains U+FFFD, the character that replaces bytes that are not UTF-8`,
    {
      fix: `pipe the exact value on stdin instead (printf %s "$VALUE" | efs env set ${name}); efs refuses input that is not UTF-8`,
      exitCode: EXIT.usage,
      code: "INVALID_VALUE",
    },
  );
}

// Validates and stores one value; replacing a different value asks first (--yes).
export async function envSet(
  rt: Runtime,
  args: { name: string; value?: string; source?: string },
): Promise<CommandResult> {
  const { name } = args;
  assertName(name);
  const value = await obtainValue(rt, name, args.value);
  assertStorable(name, value);
  const vault = projectVault(rt);
  const before = await vault.read();
  const old = before.entry(name);
  if (old && old.value !== value) {
    const ok = await rt.prompter.confirm({
      message: `Replace ${name} (${maskValue(old.value)}, updated ${old.updatedAt})?`,
      flag: "--yes",
    });
    if (!ok)
      throw new EfsError(`Kept the existing value of ${name}: replacing it was declined`, {
        code: "DECLINED",
      });
  }
  const result = await vault.update((d) => d.set(name, value, { source: args.source }));
  if (!catalogEntry(name))
    rt.out.warn(`${name} is not in the env catalog: it is stored but no command pushes it`);
  const shown = maskValue(value);
  rt.out.success(`${name} ${result === "unchanged" ? "unchanged" : result} — ${shown}`);
  const after = (await vault.read()).entry(name);
  return { data: { name, result, value: shown, source: after?.source ?? null } };
}
