// Where command output goes: human text (stdout for results, stderr for progress and
// warnings) or, with --json, one versioned JSON document on stdout. Everything is redacted.
import kleur from "kleur";
import type { Redactor } from "../redact";

// Version of the --json envelope; bump only with a breaking change to its shape.
export const JSON_VERSION = 1;

export interface TextSink {
  write(chunk: string): unknown;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly color: boolean;
  readonly debug: boolean;
  readonly redactor: Redactor;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

export interface JsonEnvelope {
  readonly version: typeof JSON_VERSION;
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode: number;
  readonly data?: unknown;
  readonly error?: { message: string; fix?: string; exitCode: number; code: string };
}

/** Writes redacted output in the mode the global flags chose. */
export class Output {
  readonly json: boolean;
  readonly #o: OutputOptions;
  readonly #c: typeof kleur;

  constructor(options: OutputOptions) {
    this.#o = options;
    this.json = options.json;
    kleur.enabled = options.color;
    this.#c = kleur;
  }

  // The colour helpers (disabled by --no-color / NO_COLOR / non-TTY).
  get color(): typeof kleur {
    return this.#c;
  }

  // A human result line on stdout (suppressed with --json).
  print(text = ""): void {
    if (!this.json) this.#o.stdout.write(`${this.#o.redactor.redact(text)}\n`);
  }

  // Progress or a note on stderr (suppressed with --json).
  info(text: string): void {
    if (!this.json) this.#o.stderr.write(`${this.#o.redactor.redact(text)}\n`);
  }

  // A success line on stderr (suppressed with --json).
  success(text: string): void {
    this.info(`${this.#c.green("✔")} ${text}`);
  }

  // A warning on stderr, shown even with --json (stdout stays pure JSON).
  warn(text: string): void {
    this.#o.stderr.write(`${this.#c.yellow("warning:")} ${this.#o.redactor.redact(text)}\n`);
  }

  // A --debug line on stderr.
  debug(text: string): void {
    if (this.#o.debug)
      this.#o.stderr.write(`${this.#c.gray(`debug: ${this.#o.redactor.redact(text)}`)}\n`);
  }

  // Prints a value the user explicitly asked to see (--reveal): NOT redacted.
  reveal(text: string): void {
    if (!this.json) this.#o.stdout.write(`${text}\n`);
  }

  // Prints rows as aligned columns on stdout (suppressed with --json).
  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    if (this.json) return;
    const all = [headers, ...rows].map((r) => r.map((c) => this.#o.redactor.redact(c)));
    const widths = headers.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ""))));
    const line = (r: readonly string[]) =>
      r
        .map((c, i) =>
          i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - visibleLength(c)),
        )
        .join("  ")
        .trimEnd();
    this.#o.stdout.write(`${this.#c.bold(line(all[0] ?? []))}\n`);
    for (const r of all.slice(1)) this.#o.stdout.write(`${line(r)}\n`);
  }

  // Writes the --json envelope on stdout; `reveal` skips redaction of data (export --reveal).
  envelope(envelope: JsonEnvelope, reveal = false): void {
    const body = reveal ? envelope : this.#o.redactor.redactDeep(envelope);
    this.#o.stdout.write(`${JSON.stringify(body)}\n`);
  }

  // Writes a human error block on stderr.
  errorBlock(message: string, fix?: string, detail?: string): void {
    const r = this.#o.redactor;
    this.#o.stderr.write(`${this.#c.red("error:")} ${r.redact(message)}\n`);
    if (fix) this.#o.stderr.write(`${this.#c.cyan("  fix:")} ${r.redact(fix)}\n`);
    if (detail) this.#o.stderr.write(`${this.#c.gray(r.redact(detail))}\n`);
  }
}

// Length without ANSI colour codes.
function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, "").length;
}
