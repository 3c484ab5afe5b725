// HMAC-signed URLs for the local backend, served by the web app at /api/storage/<key>.
import { createHmac, timingSafeEqual } from "node:crypto";
import { isValidKey } from "./keys";

/** Path under the web app where local signed URLs are served. */
export const LOCAL_STORAGE_ROUTE = "/api/storage/";

export interface LocalSignParams {
  /** GET signatures also allow HEAD; PUT signatures allow PUT only. */
  method: "GET" | "PUT";
  key: string;
  /** Expiry, unix seconds. */
  exp: number;
  /** PUT only: upper bound on the body size in bytes. */
  maxBytes?: number;
  /** PUT only: the exact body size in bytes, when the client declared it (a 0-byte PUT on a
   *  URL signed for N bytes is refused). */
  length?: number;
  /** PUT only: the Content-Type the upload must carry. */
  contentType?: string;
  /** GET only: download file name (sent as Content-Disposition). */
  downloadName?: string;
}

export type LocalQuery = URLSearchParams | Record<string, string | string[] | undefined>;

export type LocalVerifyResult =
  | {
      ok: true;
      method: "GET" | "PUT";
      key: string;
      expiresAt: number;
      maxBytes: number | null;
      /** The exact body size the URL was signed for, or null. */
      length: number | null;
      contentType: string | null;
      downloadName: string | null;
    }
  | {
      ok: false;
      status: 400 | 403 | 405;
      reason: "malformed" | "bad-key" | "method-not-allowed" | "expired" | "bad-signature";
      message: string;
    };

// The canonical string covered by the HMAC; JSON keeps field boundaries unambiguous.
// (`length` is appended only when signed, so URLs without it keep their signatures.)
function canonical(p: LocalSignParams): string {
  return JSON.stringify([
    "efs-storage-v1",
    p.method,
    p.key,
    p.exp,
    p.maxBytes ?? null,
    p.contentType ?? null,
    p.downloadName ?? null,
    ...(p.length !== undefined ? [p.length] : []),
  ]);
}

// Hex HMAC-SHA256 over the canonical request description.
export function localSignature(secret: string, params: LocalSignParams): string {
  if (!secret) throw new Error("local storage signing secret is empty");
  return createHmac("sha256", secret).update(canonical(params)).digest("hex");
}

// Builds `{publicBaseUrl}/api/storage/{key}?exp=…[&max=…[&len=…]&ct=…|&dn=…]&sig=…`.
export function buildLocalSignedUrl(
  publicBaseUrl: string,
  secret: string,
  params: LocalSignParams,
): string {
  const path = params.key.split("/").map(encodeURIComponent).join("/");
  const q = new URLSearchParams({ exp: String(params.exp) });
  if (params.maxBytes !== undefined) q.set("max", String(params.maxBytes));
  if (params.length !== undefined) q.set("len", String(params.length));
  if (params.contentType !== undefined) q.set("ct", params.contentType);
  if (params.downloadName !== undefined) q.set("dn", params.downloadName);
  q.set("sig", localSignature(secret, params));
  return `${publicBaseUrl.replace(/\/+$/, "")}${LOCAL_STORAGE_ROUTE}${path}?${q.toString()}`;
}

function param(query: LocalQuery, name: string): string | undefined | null {
  if (query instanceof URLSearchParams) {
    const all = query.getAll(name);
    return all.length > 1 ? null : all[0];
  }
  const v = query[name];
  if (Array.isArray(v)) return v.length === 1 ? v[0] : null;
  return v;
}

function reject(
  status: 400 | 403 | 405,
  reason: Extract<LocalVerifyResult, { ok: false }>["reason"],
  message: string,
): LocalVerifyResult {
  return { ok: false, status, reason, message };
}

// Pure check of a signed local-storage request (method, key from the path, query). `now` is ms.
export function verifyLocalSignedRequest(input: {
  secret: string;
  method: string;
  key: string;
  query: LocalQuery;
  now?: number;
}): LocalVerifyResult {
  const { secret, key, query } = input;
  const now = input.now ?? Date.now();
  const method = input.method.toUpperCase();
  const signed: "GET" | "PUT" | null =
    method === "GET" || method === "HEAD" ? "GET" : method === "PUT" ? "PUT" : null;
  if (signed === null) return reject(405, "method-not-allowed", `method ${method} not allowed`);
  if (!isValidKey(key)) return reject(400, "bad-key", "invalid storage key");

  const exp = param(query, "exp");
  const sig = param(query, "sig");
  const max = param(query, "max");
  const len = param(query, "len");
  const ct = param(query, "ct");
  const dn = param(query, "dn");
  if (exp === null || sig === null || max === null || len === null || ct === null || dn === null) {
    return reject(400, "malformed", "a signed-URL parameter is repeated");
  }
  if (!exp || !/^\d{1,12}$/.test(exp)) return reject(400, "malformed", "exp missing or malformed");
  if (!sig || !/^[0-9a-f]{64}$/.test(sig))
    return reject(400, "malformed", "sig missing or malformed");
  if (max !== undefined && !/^\d{1,15}$/.test(max))
    return reject(400, "malformed", "max malformed");
  if (len !== undefined && (signed !== "PUT" || !/^\d{1,15}$/.test(len)))
    return reject(400, "malformed", "len malformed");
  if (signed === "PUT" && (max === undefined || ct === undefined)) {
    return reject(403, "bad-signature", "upload URL lacks max/ct");
  }

  const params: LocalSignParams = {
    method: signed,
    key,
    exp: Number(exp),
    ...(max !== undefined ? { maxBytes: Number(max) } : {}),
    ...(len !== undefined ? { length: Number(len) } : {}),
    ...(ct !== undefined ? { contentType: ct } : {}),
    ...(dn !== undefined ? { downloadName: dn } : {}),
  };
  const expected = Buffer.from(localSignature(secret, params), "hex");
  const given = Buffer.from(sig, "hex");
  // Both are 32-byte digests, so timingSafeEqual never sees unequal lengths.
  if (!timingSafeEqual(expected, given)) {
    return reject(403, "bad-signature", "signature does not match");
  }
  if (params.exp * 1000 <= now) return reject(403, "expired", "signed URL expired");
  return {
    ok: true,
    method: signed,
    key,
    expiresAt: params.exp * 1000,
    maxBytes: params.maxBytes ?? null,
    length: params.length ?? null,
    contentType: params.contentType ?? null,
    downloadName: params.downloadName ?? null,
  };
}
