// `efs verify [service]`: runs the checks of one service (or all, plus the cross-service
// ones), prints OK/WARN/FAIL with cause and fix, and exits 1 when anything FAILs.
import type { Target } from "@efs/core/env-catalog";
import type { InitFlags } from "../checklist/inputs";
import { openContext } from "../envsync/context";
import { type RemoteSnapshot, readRemote } from "../envsync/remote";
import { EfsError, interruption, usageError } from "../errors";
import type { CommandResult, Runtime } from "../runtime";
import { checkCross } from "./checks/cross";
import { checkGitHub } from "./checks/github";
import { checkModal } from "./checks/modal";
import { checkR2 } from "./checks/r2";
import { checkRender } from "./checks/render";
import { checkTurso } from "./checks/turso";
import { checkVercel } from "./checks/vercel";
import { checkWebhook } from "./checks/webhook";
import type { VerifyContext } from "./context";
import { type CheckResult, SERVICES, type Service } from "./types";

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

const MARK = { ok: "OK  ", warn: "WARN", fail: "FAIL" } as const;

// Runs `efs verify`.
export async function verify(
  rt: Runtime,
  args: { service?: string; flags?: InitFlags },
): Promise<CommandResult> {
  if (args.service && !(SERVICES as readonly string[]).includes(args.service)) {
    throw usageError(
      `"${args.service}" is not a service`,
      `pass one of ${SERVICES.join(", ")} (or nothing for all)`,
    );
  }
  const { ctx } = await openContext(rt, args.flags);
  if (ctx.vault.projectId === null) {
    throw new EfsError(`No vault in ${rt.cwd}: nothing to verify`, { fix: "run efs init first" });
  }
  const checks = await runChecks(ctx, args.service as Service | undefined);
  const c = rt.out.color;
  for (const r of checks) {
    const mark =
      r.status === "ok"
        ? c.green(MARK.ok)
        : r.status === "warn"
          ? c.yellow(MARK.warn)
          : c.red(MARK.fail);
    rt.out.print(`${mark} ${r.service.padEnd(7)} ${r.title}: ${r.detail}`);
    if (r.status !== "ok" && r.fix) rt.out.print(`       ${" ".repeat(7)} fix: ${r.fix}`);
  }
  const count = (s: string) => checks.filter((r) => r.status === s).length;
  const summary = { ok: count("ok"), warn: count("warn"), fail: count("fail") };
  rt.out.print(`${summary.ok} ok, ${summary.warn} warn, ${summary.fail} fail`);
  return {
    data: { service: args.service ?? "all", summary, checks },
    exitCode: summary.fail ? 1 : 0,
  };
}
