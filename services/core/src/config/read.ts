// Typed readers over one env object. Each returns null when the variable is unset and throws
// a one-line ConfigError naming it when it is set but malformed. Values never enter messages
// unless the variable is a plain setting (a number, a backend name).
import { checkFormat, type FormatName, validateVar } from "../env-catalog";
import { ConfigError } from "./error";

export type Env = Readonly<Record<string, string | undefined>>;

// A catalog variable validated with its catalog format (or `format` when the caller relaxes it).
export function catalogVar(env: Env, name: string, format?: FormatName): string | null {
  const raw = env[name];
  if (raw === undefined) return null;
  const problem = format ? prefixed(name, checkFormat(format, raw)) : validateVar(name, raw);
  if (problem) throw new ConfigError(name, problem);
  return raw;
}

// A free-form runtime setting (a path): non-empty, no surrounding whitespace or newline.
export function plainVar(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined) return null;
  const problem = raw.length === 0 ? "is empty" : surroundingProblem(raw);
  if (problem) throw new ConfigError(name, `${name} ${problem}`);
  return raw;
}

// A runtime URL setting with the catalog's https rule (plain http allowed on loopback only).
export function urlVar(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined) return null;
  const problem = checkFormat("httpsUrl", raw);
  if (problem) throw new ConfigError(name, `${name} ${problem}`);
  return raw;
}

// One of a fixed set of words, e.g. STORAGE_BACKEND=local|r2.
export function enumVar<T extends string>(env: Env, name: string, allowed: readonly T[]): T | null {
  const raw = plainVar(env, name);
  if (raw === null) return null;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `${name} must be one of ${allowed.join(", ")} (got "${raw}")`);
  }
  return raw as T;
}

// A whole number within [min, max].
export function intVar(env: Env, name: string, min: number, max: number): number | null {
  const raw = plainVar(env, name);
  if (raw === null) return null;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

// The value, or a ConfigError saying the variable is required (and why, when given).
export function required<T>(value: T | null, name: string, why?: string): T {
  if (value !== null) return value;
  throw new ConfigError(name, why ? `${name} is required ${why}` : `${name} is required`);
}

function prefixed(name: string, problem: string | null): string | null {
  return problem ? `${name} ${problem}` : null;
}

function surroundingProblem(raw: string): string | null {
  if (raw === raw.trim()) return /[\r\n]/.test(raw) ? "contains a newline" : null;
  return /[\r\n]$/.test(raw) ? "ends with a newline" : "has surrounding whitespace";
}
