// Validation of signed-URL options shared by both backends.
import { StorageError } from "./errors";

/** Longest signed-URL lifetime: 7 days, the SigV4 maximum. */
export const MAX_SIGNED_URL_SECONDS = 7 * 24 * 3600;

// Checks the lifetime and returns the expiry in unix seconds.
export function checkSignOptions(expiresInSec: number, now = Date.now()): { exp: number } {
  if (
    !Number.isInteger(expiresInSec) ||
    expiresInSec < 1 ||
    expiresInSec > MAX_SIGNED_URL_SECONDS
  ) {
    throw new StorageError(
      "InvalidOption",
      `expiresInSec must be a whole number of seconds between 1 and ${MAX_SIGNED_URL_SECONDS} (got ${expiresInSec})`,
    );
  }
  return { exp: Math.floor(now / 1000) + expiresInSec };
}

// Checks upload options; the effective limit is the declared contentLength when given, else maxBytes.
export function checkSignPutOptions(
  o: { expiresInSec: number; contentType: string; maxBytes: number; contentLength?: number },
  now = Date.now(),
): { exp: number; limit: number } {
  const { exp } = checkSignOptions(o.expiresInSec, now);
  if (!Number.isSafeInteger(o.maxBytes) || o.maxBytes < 1) {
    throw new StorageError(
      "InvalidOption",
      `maxBytes must be a positive whole number of bytes (got ${o.maxBytes})`,
    );
  }
  if (typeof o.contentType !== "string" || !/^[\x21-\x7e][\x20-\x7e]*$/.test(o.contentType)) {
    throw new StorageError(
      "InvalidOption",
      `contentType must be a printable ASCII media type like "audio/mpeg" (got ${JSON.stringify(o.contentType)})`,
    );
  }
  if (o.contentLength !== undefined) {
    if (!Number.isSafeInteger(o.contentLength) || o.contentLength < 0) {
      throw new StorageError(
        "InvalidOption",
        `contentLength must be a whole number of bytes (got ${o.contentLength})`,
      );
    }
    if (o.contentLength > o.maxBytes) {
      throw new StorageError(
        "TooLarge",
        `declared upload size ${o.contentLength} bytes exceeds the ${o.maxBytes}-byte limit`,
      );
    }
    return { exp, limit: o.contentLength };
  }
  return { exp, limit: o.maxBytes };
}
