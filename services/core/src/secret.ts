// A secret value that prints as a redaction everywhere (console.log, JSON, template strings,
// util.inspect, errors) and is only read through an explicit `.reveal()`.
import { inspect } from "node:util";

// Values shorter than this are masked entirely: showing 8 of them would reveal too much.
const MIN_PARTIAL_LENGTH = 16;

// The printable form of a secret: `a3f7…9c1e (64 chars)`, or `**** (8 chars)` when short.
export function redact(value: string): string {
  const n = `(${value.length} chars)`;
  if (value.length < MIN_PARTIAL_LENGTH) return `**** ${n}`;
  return `${value.slice(0, 4)}…${value.slice(-4)} ${n}`;
}

/** A string that never prints itself; call `reveal()` at the one place the value is used. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  // The real value, for the call that needs it (an Authorization header, an HMAC key).
  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return redact(this.#value);
  }

  toJSON(): string {
    return redact(this.#value);
  }

  [Symbol.toPrimitive](): string {
    return redact(this.#value);
  }

  [inspect.custom](): string {
    return redact(this.#value);
  }
}
