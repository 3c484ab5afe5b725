// The renderer status contract (contracts/modal-status.json): GET <status url>?call_id=…
// → {status: running|completed|failed|unknown, result?, error?, progress?}. Authenticated by the same
// token as submit, sent as a Bearer header (never in the URL, so it stays out of access logs).
import { parseRenderStatus, type RenderStatusBody } from "@efs/core/wire";
import type { RendererTarget } from "../options";
import { rendererCall } from "./http";

// Asks the renderer how `callId` is doing.
export async function fetchRenderStatus(
  target: RendererTarget,
  callId: string,
): Promise<RenderStatusBody> {
  const url = new URL(target.statusUrl);
  url.searchParams.set("call_id", callId);
  const headers: Record<string, string> = target.authToken
    ? { authorization: `Bearer ${target.authToken.reveal()}` }
    : {};
  return parseRenderStatus(
    await rendererCall(url.href, { method: "GET", headers }, "render status"),
  );
}
