// The studio session cookie: `v1.<expiry ms>.<HMAC>` keyed by a key derived from the studio
// access key, so rotating the access key ends every session. Http-only, SameSite=Lax.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "efs_session";
const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const LABEL = "efs/studio-session/v1";

function sessionKey(accessKey: string): Buffer {
  return createHmac("sha256", accessKey).update(LABEL).digest();
}

function mac(accessKey: string, payload: string): string {
  return createHmac("sha256", sessionKey(accessKey)).update(payload).digest("base64url");
}

// A fresh cookie value valid until now + ttl.
export function issueSession(accessKey: string, now = Date.now(), ttlMs = SESSION_TTL_MS): string {
  const payload = `v1.${now + ttlMs}`;
  return `${payload}.${mac(accessKey, payload)}`;
}

// True when `value` was issued with this access key and has not expired.
export function verifySession(value: string | null, accessKey: string, now = Date.now()): boolean {
  if (!value) return false;
  const m = /^(v1\.(\d{1,16}))\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return false;
  const [, payload = "", exp = "0", sig = ""] = m;
  if (Number(exp) <= now) return false;
  const expected = Buffer.from(mac(accessKey, payload));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// Constant-time comparison of a submitted access key with the configured one.
export function accessKeyMatches(submitted: string, accessKey: string): boolean {
  const a = createHmac("sha256", LABEL).update(submitted).digest();
  const b = createHmac("sha256", LABEL).update(accessKey).digest();
  return timingSafeEqual(a, b);
}

// The value of cookie `name` from a Cookie header, or null.
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

// A Set-Cookie header value for the session (or one that clears it when `value` is null).
export function sessionCookieHeader(value: string | null, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${value ?? ""}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${value ? Math.floor(SESSION_TTL_MS / 1000) : 0}`,
  ];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
