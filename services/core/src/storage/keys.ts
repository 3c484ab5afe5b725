// Object key rules shared by every backend: relative, slash-separated, allowed prefixes only.
import { StorageError } from "./errors";

export const ALLOWED_PREFIXES = [
  "uploads/",
  "audio/",
  "previews/",
  "renders/",
  "features/",
  "tmp/",
  "smoke/",
] as const;

export type AllowedPrefix = (typeof ALLOWED_PREFIXES)[number];

/** Longest key in UTF-8 bytes (the S3/R2 limit). */
export const MAX_KEY_BYTES = 1024;
/** Longest single path segment in UTF-8 bytes (leaves room under NAME_MAX=255 for sidecars). */
export const MAX_SEGMENT_BYTES = 200;

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function fail(key: string, problem: string): never {
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
  throw new StorageError(
    "InvalidKey",
    `invalid storage key ${shown}: ${problem}. Keys look like "uploads/<id>/audio.mp3" and start with one of ${ALLOWED_PREFIXES.join(", ")}`,
  );
}

function checkCommon(key: string, what: "key" | "prefix"): void {
  if (typeof key !== "string" || key.length === 0) fail(String(key), `the ${what} is empty`);
  if (key.startsWith("/")) fail(key, `the ${what} is an absolute path (leading "/")`);
  if (key.includes("\\")) fail(key, `the ${what} contains a backslash`);
  if (key.includes("\u0000")) fail(key, `the ${what} contains a NUL byte`);
  if (CONTROL_CHARS.test(key)) fail(key, `the ${what} contains a control character`);
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    fail(key, `the ${what} is longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (!ALLOWED_PREFIXES.some((p) => key.startsWith(p))) {
    fail(key, `the ${what} does not start with an allowed prefix`);
  }
}

function checkSegments(key: string, segments: string[]): void {
  for (const seg of segments) {
    if (seg === "") fail(key, 'it has an empty path segment ("//" or a trailing "/")');
    if (seg === "..") fail(key, 'it has a ".." segment');
    if (seg === ".") fail(key, 'it has a "." segment');
    if (Buffer.byteLength(seg, "utf8") > MAX_SEGMENT_BYTES) {
      fail(key, `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
}

// Throws StorageError("InvalidKey") naming the problem unless `key` is a valid object key.
export function assertValidKey(key: string): string {
  checkCommon(key, "key");
  checkSegments(key, key.split("/"));
  return key;
}

// Validates a list/delete prefix: an allowed top-level prefix, optionally followed by more key text.
export function assertValidPrefix(prefix: string): string {
  checkCommon(prefix, "prefix");
  const segments = prefix.split("/");
  // A prefix may end with "/" (a "folder"); every other segment follows the key rules.
  if (segments[segments.length - 1] === "") segments.pop();
  checkSegments(prefix, segments);
  return prefix;
}

// Boolean form of assertValidKey, for route handlers that only need yes/no.
export function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}
