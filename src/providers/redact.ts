// Masks known secret values in text before it leaves a provider client.

export type Redact = (text: string) => string;

// Builds a redactor for the given secrets (values shorter than 4 chars are ignored).
export function redactorFor(secrets: Iterable<string | undefined>): Redact {
  const values = [...secrets]
    .filter((s): s is string => typeof s === "string" && s.length >= 4)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of values) out = out.split(v).join(mask(v));
    return out;
  };
}

// A printable stand-in for a secret: first and last 4 chars only when long enough.
export function mask(value: string): string {
  if (value.length < 16) return `**** (${value.length} chars)`;
  return `${value.slice(0, 4)}…${value.slice(-4)} (${value.length} chars)`;
}
