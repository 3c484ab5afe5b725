// Reads a piped value from stdin (never from a terminal: that is the prompter's job).
import type { Readable } from "node:stream";
import { EfsError } from "../errors";

const MAX_BYTES = 1024 * 1024;

// Reads stdin to EOF (at most 1 MiB) and removes the one newline `echo` adds.
export async function readPipedValue(stdin: Readable, flagHint: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_BYTES) {
      throw new EfsError("The value on stdin is larger than 1 MiB", {
        fix: `pipe only the value (${flagHint})`,
        exitCode: 2,
        code: "USAGE",
      });
    }
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text.replace(/\r?\n$/, "");
}
