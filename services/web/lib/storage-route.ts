// Serves the local backend's signed URLs through core's handler, answering its refusals in
// the API's error envelope. With R2 there is nothing to serve here: signed URLs point at R2.

import type { LocalStorage } from "@efs/core/storage/local";
import { handleLocalStorageRequest } from "@efs/core/storage/local-http";
import { type ApiErrorCode, errorResponse } from "./api/errors";
import type { WebContext } from "./context";
import { uploadIdOf } from "./uploads";

const REASON_CODES: Record<string, ApiErrorCode> = {
  malformed: "bad_request",
  "bad-key": "bad_request",
  "bad-length": "bad_request",
  "length-mismatch": "bad_request",
  "method-not-allowed": "bad_request",
  expired: "forbidden",
  "bad-signature": "forbidden",
  "content-type-mismatch": "forbidden",
  "too-large": "payload_too_large",
  "already-uploaded": "conflict",
};

// The response for one signed storage request (catch-all key segments as Next decodes them).
export async function handleStorageRequest(
  req: Request,
  ctx: WebContext,
  segments: string[],
): Promise<Response> {
  if (ctx.storage.backend !== "local") {
    return errorResponse(
      404,
      "not_found",
      "This studio stores objects in R2; signed URLs point there.",
    );
  }
  // Browsers always send Content-Length for a file body; requiring it lets the size limit be
  // checked before a byte is read (chunked uploads are refused rather than streamed).
  if (
    req.method.toUpperCase() === "PUT" &&
    !/^\d+$/.test(req.headers.get("content-length") ?? "")
  ) {
    return errorResponse(
      411,
      "bad_request",
      "Storage: send the upload with a Content-Length header.",
    );
  }
  const storage = ctx.storage as LocalStorage;
  if (req.method.toUpperCase() === "PUT" && (await confirmedUpload(req, ctx, storage, segments))) {
    return errorResponse(
      409,
      "conflict",
      "Storage: this upload was already confirmed; a signed upload URL is single-use. Ask for a new one (POST /api/uploads).",
    );
  }
  const res = await handleLocalStorageRequest({ storage, request: req, key: segments });
  const type = res.headers.get("content-type") ?? "";
  if (res.status < 400 || !type.startsWith("application/json")) return withCors(res);
  const body = (await res.json().catch(() => ({}))) as { error?: unknown; reason?: unknown };
  const reason = typeof body.reason === "string" ? body.reason : "";
  const code: ApiErrorCode =
    REASON_CODES[reason] ?? (res.status === 404 ? "not_found" : "bad_request");
  const message = typeof body.error === "string" ? body.error : "request refused";
  const out = errorResponse(res.status, code, `Storage: ${message}.`);
  const allow = res.headers.get("allow");
  if (allow) out.headers.set("allow", allow);
  return out;
}

// True for a validly signed PUT to an upload whose ingest job exists (it was confirmed): the
// URL is spent even if the object has since been deleted (a failed or cancelled ingest).
async function confirmedUpload(
  req: Request,
  ctx: WebContext,
  storage: LocalStorage,
  segments: string[],
): Promise<boolean> {
  const key = segments.join("/");
  const id = uploadIdOf(key);
  if (!id) return false;
  const verdict = storage.verifySignedRequest({
    method: "PUT",
    key,
    query: new URL(req.url).searchParams,
  });
  return verdict.ok && (await ctx.jobs.get(id)) !== null;
}

// Signed URLs are bearer capabilities, so any origin may read them (Web Audio needs CORS).
function withCors(res: Response): Response {
  res.headers.set("access-control-allow-origin", "*");
  res.headers.set("access-control-expose-headers", "Content-Length, Content-Range, ETag");
  return res;
}
