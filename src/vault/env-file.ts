// The files `efs env export` writes and `efs env import` reads: dotenv and flat JSON.
// Every value the vault accepts is written so that the parser here reads it back exactly;
// the parser is strict (docs/vault.md "Import rules") and never echoes a line, since a
// malformed line may hold a secret.

export const ENV_FILE_FORMATS = ["dotenv", "json"] as const;
export type EnvFileFormat = (typeof ENV_FILE_FORMATS)[number];

/** One NAME=value read from a file, with the line it came from (1-based). */
interface FileVar {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

/** What a file holds: its variables and, when it cannot be imported as is, why. */
export interface ParsedEnvFile {
  readonly vars: readonly FileVar[];
  readonly problems: readonly string[];
}

// Characters that need no quotes in any dotenv reader.
const PLAIN = /^[A-Za-z0-9_\-.:/@+=,]*$/;

// One dotenv line that parseDotenv (and, for values without both quote kinds and a
// backslash, every common dotenv reader) reads back as `value`.
function formatDotenvLine(name: string, value: string): string {
  if (PLAIN.test(value)) return `${name}=${value}`;
  if (!value.includes("'")) return `${name}='${value}'`;
  return `${name}="${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

// The file body for `vars` in `format`.
export function formatEnvFile(
  format: EnvFileFormat,
  vars: readonly { name: string; value: string }[],
): string {
  if (format === "json")
    return `${JSON.stringify(Object.fromEntries(vars.map((v) => [v.name, v.value])), null, 2)}\n`;
  return vars.map((v) => formatDotenvLine(v.name, v.value)).join("\n") + (vars.length ? "\n" : "");
}

// The format of a file to import: json for *.json or text starting with "{", else dotenv.
export function detectFormat(path: string, text: string): EnvFileFormat {
  return /\.json$/i.test(path) || text.trimStart().startsWith("{") ? "json" : "dotenv";
}

// Decodes file bytes as strict UTF-8; on failure names the first line that is not UTF-8.
export function decodeFile(bytes: Buffer): { text: string } | { badLine: number } {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    let line = 1;
    let start = 0;
    while (start <= bytes.length) {
      const nl = bytes.indexOf(10, start);
      const end = nl === -1 ? bytes.length : nl;
      try {
        decoder.decode(bytes.subarray(start, end));
      } catch {
        return { badLine: line };
      }
      if (nl === -1) break;
      line += 1;
      start = nl + 1;
    }
    return { badLine: line };
  }
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/;

// Parses dotenv text: comments (# at the start of a line, or after whitespace following an
// unquoted value), `export` prefixes, 'literal' and "escaped" values. Duplicate names,
// lines that are not NAME=value and an unquoted # inside a value are problems.
export function parseDotenv(text: string): ParsedEnvFile {
  const vars: FileVar[] = [];
  const problems: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, i) => {
    const line = i + 1;
    const l = raw.replace(/\r$/, "");
    if (/^\s*(#.*)?$/.test(l)) return;
    const m = LINE.exec(l);
    if (!m) {
      problems.push(`line ${line} is not NAME=value (the line is not shown: it may hold a secret)`);
      return;
    }
    const name = m[1] ?? "";
    const value = parseValue(m[2] ?? "");
    if (typeof value === "string") vars.push({ name, value, line });
    else problems.push(`line ${line} (${safeName(name)}): ${value.problem}`);
  });
  return { vars, problems: [...problems, ...duplicates(vars)] };
}

function parseValue(afterEquals: string): string | { problem: string } {
  const rest = afterEquals.trimStart();
  const q = rest[0];
  if (q === "'" || q === '"') {
    let out = "";
    let i = 1;
    for (; i < rest.length && rest[i] !== q; i++) {
      const c = rest[i] ?? "";
      if (q === '"' && c === "\\" && i + 1 < rest.length) {
        const n = rest[++i] ?? "";
        out += n === "n" ? "\n" : n === "r" ? "\r" : n === "t" ? "\t" : n;
        continue;
      }
      out += c;
    }
    if (i >= rest.length)
      return {
        problem: `the ${q === "'" ? "single" : "double"} quote is not closed on the same line`,
      };
    if (!/^\s*(#.*)?$/.test(rest.slice(i + 1)))
      return { problem: "text after the closing quote (only a # comment may follow)" };
    return out;
  }
  const comment = /\s#/.exec(afterEquals);
  const value = (comment ? afterEquals.slice(0, comment.index) : afterEquals).trim();
  if (value.includes("#"))
    return {
      problem:
        "an unquoted # inside the value (dotenv reads it as a comment): quote the value ('…#…'), or put a space before a comment",
    };
  return value;
}

// Parses a flat JSON object of strings; duplicate keys (which JSON.parse silently merges)
// are problems too.
export function parseJsonVars(text: string): ParsedEnvFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's message quotes part of the input, which may be a secret: not shown.
    return { vars: [], problems: ["the file is not valid JSON"] };
  }
  if (!data || typeof data !== "object" || Array.isArray(data))
    return { vars: [], problems: ['the JSON is not an object of "NAME": "value" pairs'] };
  const vars: FileVar[] = [];
  const problems: string[] = [];
  const keys = topLevelKeys(text);
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== "string") problems.push(`${safeName(name)}: the value is not a string`);
    else vars.push({ name, value, line: keys.find((k) => k.name === name)?.line ?? 0 });
  }
  const seen = new Map<string, number[]>();
  for (const k of keys) seen.set(k.name, [...(seen.get(k.name) ?? []), k.line]);
  for (const [name, lines] of seen)
    if (lines.length > 1)
      problems.push(`${safeName(name)} is set more than once (lines ${lines.join(", ")})`);
  return { vars, problems };
}

// Top-level keys of a JSON object text already known to be valid, with their lines.
function topLevelKeys(text: string): { name: string; line: number }[] {
  const keys: { name: string; line: number }[] = [];
  let depth = 0;
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === "{" || c === "[") {
      depth++;
      expectKey = depth === 1 && c === "{";
    } else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === 1) expectKey = true;
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 1 && expectKey) {
        keys.push({ name: JSON.parse(text.slice(i, j + 1)) as string, line });
        expectKey = false;
      }
      i = j;
    }
  }
  return keys;
}

function duplicates(vars: readonly FileVar[]): string[] {
  const lines = new Map<string, number[]>();
  for (const v of vars) lines.set(v.name, [...(lines.get(v.name) ?? []), v.line]);
  return [...lines]
    .filter(([, l]) => l.length > 1)
    .map(([name, l]) => `${safeName(name)} is set more than once (lines ${l.join(", ")})`);
}

// A name from a file, shown only when it has the shape of a variable name.
function safeName(name: string): string {
  return /^[A-Z][A-Z0-9_]{0,63}$/.test(name) ? name : `a name of ${name.length} characters`;
}
