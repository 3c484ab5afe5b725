// Masks known secret values in text before it leaves a provider client (the CLI-wide
// Redactor, fed only with the secrets this client was given).
import { Redactor } from "../redact";

export type Redact = (text: string) => string;

// Builds a redactor for the given secrets.
export function redactorFor(secrets: Iterable<string | undefined>): Redact {
  const redactor = new Redactor();
  for (const s of secrets) redactor.add(s);
  return (text) => redactor.redact(text);
}
