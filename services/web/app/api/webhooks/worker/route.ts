// POST /api/webhooks/worker: the renderer (or worker) reports a job's outcome. See lib/webhook.
import { route } from "../../../../lib/api/route";
import { handleWebhook } from "../../../../lib/webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route("public", (req, ctx) => handleWebhook(req, ctx));
