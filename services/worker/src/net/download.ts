// Streams a guarded response body into a file, refusing anything over the size limit.
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PermanentJobError } from "../errors";
import { discardBody, type GuardedResponse } from "./guarded-fetch";

function mb(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

// Writes the body to `dest`; over `maxBytes` (declared or streamed) → error, file removed.
export async function saveBody(
  res: GuardedResponse,
  dest: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<number> {
  if (res.contentLength !== null && res.contentLength > maxBytes) {
    discardBody(res.body);
    await res.close();
    throw new PermanentJobError(
      `the file is too large: ${mb(res.contentLength)} (limit ${mb(maxBytes)}, INGEST_MAX_BYTES)`,
    );
  }
  let seen = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxBytes) {
        cb(
          new PermanentJobError(
            `the download exceeded the ${mb(maxBytes)} limit (INGEST_MAX_BYTES) and was stopped`,
          ),
        );
      } else cb(null, chunk);
    },
  });
  try {
    await pipeline(res.body, limiter, createWriteStream(dest), { signal });
    return seen;
  } catch (e) {
    await rm(dest, { force: true });
    throw e;
  } finally {
    await res.close();
  }
}
