// The renderer status contract (contracts/modal-status.json): GET <status url>?call_id=…
// → {status: running|completed|failed|unknown, result?, error?, progress?}. Authenticated by the same
// token as submit, sent as a Bearer header (never in the URL, so it stays out of access logs).
import { parseRendererProgress, type RendererProgress } from "@efs/core/render-progress";
import type { RendererTarget } from "../options";
import { rendererCall } from "./http";

export interface RenderStatus {
  status: "running" | "completed" | "failed" | "unknown";
  result?: Record<string, unknown>;
  error?: string;
  /** Stage and frames done/total of a running render (absent when not reported or malformed). */
  progress?: RendererProgress;
}

// Asks the renderer how `callId` is doing.
export async function fetchRenderStatus(
  target: RendererTarget,
  callId: string,
): Promise<RenderStatus> {
  const url = new URL(target.statusUrl);
  url.searchParams.set("call_id", callId);
  const headers: Record<string, string> = target.authToken
    ? { authorization: `Bearer ${target.authToken.reveal()}` }
    : {};
  const json = await rendererCall(url.href, { method: "GET", headers }, "render status");
  const status = json.status;
  if (
    status !== "running" &&
    status !== "completed" &&
    status !== "failed" &&
    status !== "unknown"
  ) {
    return {
      status: "unknown",
      error: `renderer answered an unexpected status ${JSON.stringify(status)}`,
    };
  }
  return {
    status,
    ...(json.result && typeof json.result === "object"
      ? { result: json.result as Record<string, unknown> }
      : {}),
    ...(typeof json.error === "string" ? { error: json.error } : {}),
    ...progressOf(status, json.progress),
  };
}

function progressOf(status: string, raw: unknown): { progress?: RendererProgress } {
  if (status !== "running") return {};
  const progress = parseRendererProgress(raw);
  return progress ? { progress } : {};
}
