// GET /api/health: app version, active backends and whether each is reachable. Never a secret.
import { route } from "../../../lib/api/route";
import { healthReport } from "../../../lib/health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("public", async (_req, ctx) => {
  const { status, body } = await healthReport(ctx);
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
});
