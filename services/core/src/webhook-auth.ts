// Webhook bearer auth: the shared INTERNAL_WEBHOOK_SECRET, or a per-job token derived from it,
// so a renderer only ever holds a token that completes its own job.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** A plain string or a wrapper (like core's Secret) that reveals it only on request. */
export type SecretInput = string | { reveal(): string };

export type WebhookAuthResult = { ok: true; via: "shared" | "job" } | { ok: false };

const JOB_TOKEN_LABEL = "efs-webhook:";
/** RFC 6750 b64token, bounded in length. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]{1,512}=*)$/i;

function reveal(s: SecretInput): string {
  return typeof s === "string" ? s : s.reveal();
}

// Per-job webhook token: hex HMAC-SHA256(secret, "efs-webhook:" + jobId).
export function deriveJobToken(secret: SecretInput, jobId: string): string {
  const key = reveal(secret);
  if (!key)
    throw new Error("deriveJobToken: the webhook secret (INTERNAL_WEBHOOK_SECRET) is empty");
  if (typeof jobId !== "string" || jobId.length === 0)
    throw new Error("deriveJobToken: jobId is empty");
  return createHmac("sha256", key)
    .update(JOB_TOKEN_LABEL + jobId)
    .digest("hex");
}

// The token of an exact `Bearer <token>` header (one space, no extra whitespace), else null.
export function parseBearer(header: string | null | undefined): string | null {
  if (typeof header !== "string") return null;
  const m = BEARER.exec(header);
  return m ? m[1]! : null;
}

// Constant-time equality: compares SHA-256 digests, which always have equal length.
function same(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

// Checks an Authorization header against the shared secrets (current first, then the previous
// one during rotation) and, when `jobId` is known, against that job's derived tokens.
export function checkWebhookAuth(
  authorization: string | null | undefined,
  opts: { secrets: readonly (SecretInput | null | undefined)[]; jobId?: string | null },
): WebhookAuthResult {
  const secrets = opts.secrets
    .filter((s): s is SecretInput => s !== null && s !== undefined)
    .map(reveal)
    .filter((s) => s.length > 0);
  if (secrets.length === 0) {
    throw new Error("checkWebhookAuth: no webhook secret configured (set INTERNAL_WEBHOOK_SECRET)");
  }
  const token = parseBearer(authorization);
  if (token === null) return { ok: false };
  let shared = false;
  let job = false;
  // Every candidate is compared (no early exit) so timing does not reveal which one matched.
  for (const secret of secrets) {
    shared = same(token, secret) || shared;
    if (opts.jobId) job = same(token, deriveJobToken(secret, opts.jobId)) || job;
  }
  if (shared) return { ok: true, via: "shared" };
  if (job) return { ok: true, via: "job" };
  return { ok: false };
}
