// Runs the checks of one service (or all, plus the cross-service ones): what `efs verify`
// prints and `efs rotate` runs after a rotation.
import type { Target } from "@efs/core/env-catalog";
import { interruption } from "../errors";
import type { VerifyContext } from "../stack/context";
import { type RemoteSnapshot, readRemote } from "../stack/remote";
import { checkCross } from "./cross";
import { checkGitHub } from "./github";
import { checkModal } from "./modal";
import { checkR2 } from "./r2";
import { checkRender } from "./render";
import { checkTurso } from "./turso";
import { type CheckResult, SERVICES, type Service } from "./types";
import { checkVercel } from "./vercel";
import { checkWebhook } from "./webhook";

// Runs the checks for `service` (undefined: every service and the cross-service checks).
export async function runChecks(ctx: VerifyContext, service?: Service): Promise<CheckResult[]> {
  const snaps = new Map<Target, Promise<RemoteSnapshot>>();
  const snap = (t: Target) => () => {
    if (!snaps.has(t)) snaps.set(t, readRemote(ctx, t));
    return snaps.get(t)!;
  };
  const table: Record<Service, () => Promise<CheckResult[]>> = {
    r2: () => checkR2(ctx),
    turso: () => checkTurso(ctx),
    modal: () => checkModal(ctx),
    webhook: () => checkWebhook(ctx),
    vercel: () => checkVercel(ctx, snap("vercel")),
    render: () => checkRender(ctx, snap("render")),
    github: () => checkGitHub(ctx, snap("github")),
  };
  const out: CheckResult[] = [];
  const services = service ? [service] : SERVICES;
  const cross = !service || service === "vercel" || service === "render";
  const done: string[] = [];
  // Ctrl-C stops between services; a check cut short is not reported as a failure.
  const stop = () => {
    if (ctx.signal?.aborted) {
      const left = [...services.filter((s) => !done.includes(s)), ...(cross ? ["cross"] : [])];
      throw interruption(
        ctx.signal,
        `checked ${done.join(", ") || "nothing"}; not checked: ${left.join(", ")}. verify changes nothing (an R2 probe object cut short may remain under efs-verify/)`,
        "run efs verify again",
      );
    }
  };
  for (const s of services) {
    stop();
    const results = await table[s]().catch((e: unknown) => {
      stop();
      throw e;
    });
    stop();
    out.push(...results);
    done.push(s);
  }
  if (cross) {
    stop();
    out.push(...(await checkCross(ctx, snap("vercel"), snap("render"))));
    stop();
  }
  return out;
}
