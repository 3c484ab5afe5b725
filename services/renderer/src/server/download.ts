// Downloads the job's audio (a signed storage URL) to a local file, with a size cap.
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

// Streams `url` into `path`; fails on a non-2xx answer or more than `maxBytes`.
export async function downloadTo(
  url: string,
  path: string,
  opts: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const max = opts.maxBytes ?? 1024 ** 3;
  const res = await fetch(url, { signal: opts.signal });
  if (!res.ok || !res.body)
    throw new Error(`audio download failed: HTTP ${res.status} from ${new URL(url).origin}`);
  let n = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      cb(n > max ? new Error(`audio is larger than ${max} bytes`) : null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
    cap,
    createWriteStream(path),
  );
  return n;
}
