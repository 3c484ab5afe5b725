// Body helpers shared by the backends: normalise put bodies and count bytes while streaming.
import { createHash, type Hash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { StorageError } from "./errors";

// Turns any accepted put body into a Readable without copying buffers.
export function toReadable(body: Readable | Uint8Array | string): Readable {
  if (body instanceof Readable) return body;
  const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return Readable.from([buf], { objectMode: false });
}

// Pass-through that counts bytes, optionally hashes them, and fails once `limit` is passed
// (or, with `exact`, when the stream ends short of it).
export class ByteCounter extends Transform {
  bytes = 0;
  private readonly hash: Hash | null;
  constructor(
    private readonly limit: number | null = null,
    hashAlgorithm: string | null = null,
    private readonly exact = false,
  ) {
    super();
    this.hash = hashAlgorithm ? createHash(hashAlgorithm) : null;
  }
  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    cb: (err?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length;
    if (this.limit !== null && this.bytes > this.limit) {
      const err = this.exact
        ? new StorageError("LengthMismatch", `body is longer than the declared ${this.limit} bytes`)
        : new StorageError("TooLarge", `body exceeds the ${this.limit}-byte limit`);
      cb(err);
      return;
    }
    this.hash?.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: (err?: Error | null) => void): void {
    if (this.exact && this.limit !== null && this.bytes !== this.limit) {
      cb(
        new StorageError(
          "LengthMismatch",
          `body has ${this.bytes} bytes but ${this.limit} were declared`,
        ),
      );
      return;
    }
    cb();
  }
  digest(): string | null {
    return this.hash ? this.hash.digest("hex") : null;
  }
}
