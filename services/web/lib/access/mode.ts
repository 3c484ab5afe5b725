// Who may use the studio: with STUDIO_ACCESS_KEY set, only holders of a session cookie;
// without it, a local studio runs open (and says so); a production one refuses to run open.
import type { Config } from "@efs/core/config";
import { ApiError } from "../api/errors";
import { readCookie, SESSION_COOKIE, verifySession } from "./session";

export type AccessMode = "locked" | "open" | "misconfigured";

// The access mode this config implies.
export function accessMode(config: Config): AccessMode {
  if (config.studioAccessKey) return "locked";
  return config.productionLike ? "misconfigured" : "open";
}

// True when this cookie header carries a valid session (always true when open).
export function hasAccess(config: Config, cookieHeader: string | null, now = Date.now()): boolean {
  const mode = accessMode(config);
  if (mode === "open") return true;
  if (mode === "misconfigured" || !config.studioAccessKey) return false;
  return verifySession(
    readCookie(cookieHeader, SESSION_COOKIE),
    config.studioAccessKey.reveal(),
    now,
  );
}

// Throws the API error for a request without access.
export function requireAccess(config: Config, req: Request): void {
  if (hasAccess(config, req.headers.get("cookie"))) return;
  if (accessMode(config) === "misconfigured") throw misconfigured();
  throw new ApiError(
    401,
    "locked",
    "The studio is locked. Unlock it with the studio access key (the page at /unlock, or POST /api/session).",
  );
}

// The error for a production studio started without an access key.
export function misconfigured(): ApiError {
  return new ApiError(
    503,
    "misconfigured",
    "STUDIO_ACCESS_KEY is required when DEPLOY_ENV=production: set it on the deployment (efs env push) and redeploy.",
  );
}
