// At most one redeploy per service after a push changed something there.
import type { Target } from "@efs/core/env-catalog";
import { createVercelCli } from "../providers/vercel-cli";
import type { VerifyContext } from "./context";

export type Redeployable = "vercel" | "render";

// Which services need a redeploy for the targets that changed (Modal reads secrets at the
// next container start; GitHub secrets are read by the next workflow run).
export function servicesToRedeploy(changed: readonly Target[]): Redeployable[] {
  return (["vercel", "render"] as const).filter((s) => changed.includes(s));
}

// Triggers one deploy of `service`; returns a short description (deployment URL or id).
export async function redeploy(ctx: VerifyContext, service: Redeployable): Promise<string> {
  if (service === "render") {
    const s = await ctx.renderService();
    if (!s) return "no Render service";
    const api = await ctx.render();
    const d = await api.createDeploy(s.id, await api.newestDeployId(s.id));
    return d ? `Render deploy ${d.id} (${d.status})` : "Render deploy queued";
  }
  const token = ctx.credential("VERCEL_TOKEN", "export VERCEL_TOKEN");
  const url = await createVercelCli(token, { ...ctx.env }, ctx.signal).deployProd(ctx.cwd);
  return `Vercel production deployment ${url}`;
}
