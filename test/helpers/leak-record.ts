// Records every piece of output the CLI produced in this test file and, after the file's
// tests, fails if any secret value a test used appears in it. Imported by ./cli, so every
// test file that runs efs gets the scan.
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";

const captured: { label: string; text: string }[] = [];
const secrets = new Set<string>();

// Output that must never contain a secret (stdout/stderr of an efs run).
export function recordOutput(label: string, text: string): void {
  if (text) captured.push({ label, text });
}

// Registers a value that must never appear in any efs output.
export function registerSecret(value: string): string {
  secrets.add(value);
  return value;
}

// A fresh random secret of `hexChars` hex characters, registered for the leak scan.
export function testSecret(hexChars = 64): string {
  return registerSecret(
    randomBytes(Math.ceil(hexChars / 2))
      .toString("hex")
      .slice(0, hexChars),
  );
}

// A fresh random token-shaped secret (letters, digits, `_-`), registered for the scan.
export function testToken(prefix = "tok_", bytes = 24): string {
  return registerSecret(prefix + randomBytes(bytes).toString("base64url"));
}

/** A leak: where a secret showed up. */
export interface Leak {
  readonly label: string;
  readonly secretPrefix: string;
}

// Finds every registered secret in the recorded output (optionally in extra texts).
export function findLeaks(extra: { label: string; text: string }[] = []): Leak[] {
  const leaks: Leak[] = [];
  for (const { label, text } of [...captured, ...extra]) {
    for (const s of secrets)
      if (text.includes(s)) leaks.push({ label, secretPrefix: s.slice(0, 4) });
  }
  return leaks;
}

// Counts of what was scanned (to prove the scan is not vacuous).
export function recordStats(): { outputs: number; bytes: number; secrets: number } {
  return {
    outputs: captured.length,
    bytes: captured.reduce((n, c) => n + c.text.length, 0),
    secrets: secrets.size,
  };
}

afterAll(() => {
  const leaks = findLeaks();
  if (leaks.length > 0) {
    throw new Error(
      `secret values leaked into efs output: ${leaks.map((l) => `${l.secretPrefix}… in ${l.label}`).join("; ")}`,
    );
  }
});
