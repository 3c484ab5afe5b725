// Web-standard (Request → Response) serving of signed local-storage URLs, for the web app's route.
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { ByteCounter } from "./body";
import { isStorageError } from "./errors";
import { parseRangeHeader } from "./http-range";
import type { LocalStorage } from "./local";
import type { ObjectInfo } from "./types";

export type UploadOutcome =
  | { ok: true; status: 200; info: ObjectInfo }
  | {
      ok: false;
      status: 400 | 403 | 409 | 411 | 413;
      reason:
        | "content-type-mismatch"
        | "too-large"
        | "bad-length"
        | "length-mismatch"
        | "already-uploaded";
      message: string;
    };

function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...extra },
  });
}

// Streams a Web Request body into storage, refusing a wrong Content-Type, more than maxBytes, a
// size other than the signed `length`, and a key that already holds an object: a signed upload
// URL writes its object once (single use), it never replaces one.
export async function receiveSignedUpload(input: {
  storage: LocalStorage;
  key: string;
  request: Request;
  maxBytes: number;
  /** The exact size the URL was signed for (null: any size up to maxBytes). */
  length?: number | null;
  contentType: string;
}): Promise<UploadOutcome> {
  const { storage, key, request, maxBytes, contentType } = input;
  const length = input.length ?? null;
  const sent = request.headers.get("content-type");
  if (sent !== contentType) {
    return {
      ok: false,
      status: 403,
      reason: "content-type-mismatch",
      message: `Content-Type must be ${JSON.stringify(contentType)} as signed (got ${JSON.stringify(sent)})`,
    };
  }
  const lengthHeader = request.headers.get("content-length");
  let declared: number | undefined;
  if (lengthHeader === null && length !== null) {
    return {
      ok: false,
      status: 411,
      reason: "bad-length",
      message: `send Content-Length: ${length} (the size this upload URL is signed for)`,
    };
  }
  if (lengthHeader !== null) {
    if (!/^\d+$/.test(lengthHeader)) {
      return {
        ok: false,
        status: 400,
        reason: "bad-length",
        message: "Content-Length is malformed",
      };
    }
    declared = Number(lengthHeader);
    if (declared > maxBytes) {
      return {
        ok: false,
        status: 413,
        reason: "too-large",
        message: `upload exceeds the ${maxBytes}-byte limit`,
      };
    }
    if (length !== null && declared !== length) {
      return {
        ok: false,
        status: 400,
        reason: "length-mismatch",
        message: `this upload URL is signed for exactly ${length} bytes (Content-Length says ${declared})`,
      };
    }
  }
  if (await storage.stat(key)) return alreadyUploaded();
  const source = request.body
    ? Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>)
    : Readable.from([]);
  const limiter = new ByteCounter(maxBytes);
  source.on("error", (err) => limiter.destroy(err));
  try {
    const info = await storage.put(key, source.pipe(limiter), {
      contentType,
      ...(declared !== undefined ? { contentLength: declared } : {}),
      ifAbsent: true,
    });
    return { ok: true, status: 200, info };
  } catch (err) {
    if (isStorageError(err, "Exists")) return alreadyUploaded();
    if (isStorageError(err, "TooLarge")) {
      return {
        ok: false,
        status: 413,
        reason: "too-large",
        message: `upload exceeds the ${maxBytes}-byte limit`,
      };
    }
    if (isStorageError(err, "LengthMismatch")) {
      return {
        ok: false,
        status: 400,
        reason: "length-mismatch",
        message: "body length differs from Content-Length",
      };
    }
    throw err;
  } finally {
    source.destroy();
  }
}

function alreadyUploaded(): UploadOutcome {
  return {
    ok: false,
    status: 409,
    reason: "already-uploaded",
    message:
      "this upload URL was already used: a signed upload URL stores one file once; ask for a new one",
  };
}

// Answers GET/HEAD/PUT on `{publicBaseUrl}/api/storage/{key}?…` — the whole web route in one call.
export async function handleLocalStorageRequest(input: {
  storage: LocalStorage;
  request: Request;
  /** The key from the route (catch-all segments are joined with "/"). */
  key: string | string[];
  now?: number;
}): Promise<Response> {
  const { storage, request } = input;
  const key = Array.isArray(input.key) ? input.key.join("/") : input.key;
  const url = new URL(request.url);
  const verdict = storage.verifySignedRequest({
    method: request.method,
    key,
    query: url.searchParams,
    ...(input.now !== undefined ? { now: input.now } : {}),
  });
  if (!verdict.ok) {
    const allow = verdict.status === 405 ? { allow: "GET, HEAD, PUT" } : undefined;
    return json(verdict.status, { error: verdict.message, reason: verdict.reason }, allow);
  }

  if (verdict.method === "PUT") {
    const out = await receiveSignedUpload({
      storage,
      key,
      request,
      maxBytes: verdict.maxBytes ?? 0,
      length: verdict.length,
      contentType: verdict.contentType ?? "",
    });
    if (!out.ok) return json(out.status, { error: out.message, reason: out.reason });
    return new Response(null, { status: 200, headers: { etag: `"${out.info.etag ?? ""}"` } });
  }

  const info = await storage.stat(key);
  if (!info) return json(404, { error: "not found" });
  const headers: Record<string, string> = {
    "accept-ranges": "bytes",
    "content-type": info.contentType ?? "application/octet-stream",
    "last-modified": new Date(info.updatedAt).toUTCString(),
    "cache-control": "private, max-age=0",
  };
  if (info.etag) headers.etag = `"${info.etag}"`;
  if (verdict.downloadName !== null)
    headers["content-disposition"] = storage.dispositionFor(verdict.downloadName);

  const range = parseRangeHeader(request.headers.get("range"), info.size);
  if (range.kind === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { ...headers, "content-range": `bytes */${info.size}` },
    });
  }
  const isHead = request.method.toUpperCase() === "HEAD";
  let result: Awaited<ReturnType<LocalStorage["get"]>>;
  try {
    result = await storage.get(
      key,
      range.kind === "range" ? { range: { start: range.start, end: range.end } } : {},
    );
  } catch (err) {
    if (isStorageError(err, "NotFound")) return json(404, { error: "not found" });
    throw err;
  }
  headers["content-length"] = String(result.size);
  if (result.range)
    headers["content-range"] =
      `bytes ${result.range.start}-${result.range.end}/${result.totalSize}`;
  const status = result.range ? 206 : 200;
  if (isHead) {
    result.body.destroy();
    return new Response(null, { status, headers });
  }
  const body = Readable.toWeb(result.body) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
