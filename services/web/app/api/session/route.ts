// /api/session: GET says whether the studio is locked/open and unlocked; POST {key} unlocks
// it with the studio access key (sets the http-only session cookie); DELETE locks it again.
import { z } from "zod";
import { accessMode, hasAccess, misconfigured } from "../../../lib/access/mode";
import { accessKeyMatches, issueSession, sessionCookieHeader } from "../../../lib/access/session";
import { readJson } from "../../../lib/api/body";
import { ApiError, json } from "../../../lib/api/errors";
import { route } from "../../../lib/api/route";
import { validate } from "../../../lib/api/validate";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const unlockSchema = z.object({ key: z.string({ required_error: "is required" }).min(1).max(512) });
const FAILED_UNLOCK_DELAY_MS = 300;

export const GET = route("public", async (req, ctx) => {
  const mode = accessMode(ctx.config);
  return json({ mode, unlocked: hasAccess(ctx.config, req.headers.get("cookie")) });
});

export const POST = route("public", async (req, ctx) => {
  const mode = accessMode(ctx.config);
  if (mode === "misconfigured") throw misconfigured();
  const { key } = validate(unlockSchema, await readJson(req));
  if (mode === "open" || !ctx.config.studioAccessKey) return json({ mode, unlocked: true });
  const accessKey = ctx.config.studioAccessKey.reveal();
  if (!accessKeyMatches(key, accessKey)) {
    await new Promise((r) => setTimeout(r, FAILED_UNLOCK_DELAY_MS));
    throw new ApiError(
      401,
      "unauthorized",
      "That access key is not right. Ask whoever runs the studio (efs env get STUDIO_ACCESS_KEY).",
    );
  }
  return json(
    { mode, unlocked: true },
    { headers: { "set-cookie": sessionCookieHeader(issueSession(accessKey), isHttps(req)) } },
  );
});

export const DELETE = route("public", async (req, ctx) =>
  json(
    { mode: accessMode(ctx.config), unlocked: false },
    { headers: { "set-cookie": sessionCookieHeader(null, isHttps(req)) } },
  ),
);

function isHttps(req: Request): boolean {
  return new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
}
