// Reads a piped value from stdin (never from a terminal: that is the prompter's job).
import type { Readable } from "node:stream";
import { EfsError, EXIT } from "../../errors";
import { MAX_VALUE_BYTES } from "../../vault/state";

// Decodes UTF-8 strictly: invalid bytes are an error, never U+FFFD.
function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

// Reads stdin to EOF (at most the vault's 1 MiB value limit plus the newline `echo` adds),
// refuses bytes that are not UTF-8, and removes that one newline.
export async function readPipedValue(stdin: Readable, flagHint: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_VALUE_BYTES + 2) {
      throw new EfsError("The value on stdin is larger than 1 MiB, the vault's limit for a value", {
        fix: `pipe only the value (${flagHint})`,
        exitCode: EXIT.usage,
        code: "USAGE",
      });
    }
    chunks.push(b);
  }
  const text = decodeUtf8(Buffer.concat(chunks));
  if (text === null) {
    throw new EfsError("The value on stdin is not valid UTF-8 text: nothing was stored", {
      fix: "efs stores text: encode binary data first (e.g. base64 < file | efs env set NAME)",
      exitCode: EXIT.usage,
      code: "INVALID_VALUE",
    });
  }
  return text.replace(/\r?\n$/, "");
}
