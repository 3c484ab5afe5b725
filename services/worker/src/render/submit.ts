// The renderer submit contract (contracts/modal-submit.json), shared by Modal and the local
// renderer: POST {auth_token, job_id, config, audio_url, output_key, webhook_url, webhook_token, gpu?}
// → {call_id, job_id, gpu}.
import type { RenderSubmitBody } from "@efs/core/wire";
import { PermanentJobError } from "../errors";
import type { RendererTarget } from "../options";
import { rendererCall } from "./http";

// Submits a render; returns the renderer's call id and the GPU it chose (null when none).
export async function submitRender(
  target: RendererTarget,
  body: RenderSubmitBody,
  signal?: AbortSignal,
): Promise<{ callId: string; gpu: string | null }> {
  const json = await rendererCall(
    target.submitUrl,
    { method: "POST", body, signal },
    "render submit",
  );
  if (typeof json.call_id !== "string" || !json.call_id) {
    throw new PermanentJobError("render submit failed: the renderer's answer has no call_id");
  }
  return { callId: json.call_id, gpu: typeof json.gpu === "string" ? json.gpu : null };
}
