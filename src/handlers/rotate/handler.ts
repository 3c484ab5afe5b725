// `efs rotate <what>`: new value → push to every target that uses it → redeploy → verify →
// retire the old one. Each step is journaled; running the command again resumes.
import type { Target } from "@efs/core/env-catalog";
import type { InitFlags } from "../../checklist/inputs";
import { runChecks } from "../../checks/run";
import { EfsError, interruption, isInterruption, usageError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { applyTarget } from "../../stack/apply";
import type { VerifyContext } from "../../stack/context";
import { desiredFor } from "../../stack/desired";
import { contextFor } from "../../stack/open";
import { planTarget } from "../../stack/plan";
import { redeploy } from "../../stack/redeploy";
import { readRemote } from "../../stack/remote";
import { projectVault } from "../../vault/open";
import type { Vault } from "../../vault/vault";
import { type RotationRecord, readRotation, saveRotation } from "./journal";
import { KINDS, ROTATIONS, type RotationKind, type RotationName } from "./kinds";
import { stepsFor } from "./steps";

// Runs or resumes a rotation.
export async function rotate(
  rt: Runtime,
  args: { what: string; flags?: InitFlags },
): Promise<CommandResult> {
  if (!(ROTATIONS as readonly string[]).includes(args.what))
    throw usageError(`"${args.what}" cannot be rotated`, `pass one of ${ROTATIONS.join(", ")}`);
  const kind = KINDS[args.what as RotationName];
  const vault = projectVault(rt);
  const state = await vault.read();
  if (state.projectId === null)
    throw new EfsError(`No vault in ${rt.cwd}`, { fix: "run efs init first" });
  let rec = readRotation(state);
  if (rec && rec.kind !== kind.name) {
    throw new EfsError(`A rotation of ${rec.kind} is in progress (started ${rec.startedAt})`, {
      fix: `finish it first: efs rotate ${rec.kind}`,
    });
  }
  for (const values of [rec?.old ?? {}, rec?.next ?? {}])
    for (const [k, v] of Object.entries(values)) rt.redactor.add(v, k);
  if (rec)
    rt.out.info(
      `resuming the ${kind.name} rotation started ${rec.startedAt} (done: ${rec.done.join(", ")})`,
    );
  else {
    const missing = kind.vars.filter((v) => state.get(v) === undefined);
    if (missing.length)
      throw new EfsError(`${missing.join(", ")} not in the vault: nothing to rotate`, {
        fix: "run efs init",
      });
    if (kind.warning) rt.out.warn(kind.warning);
    const ok = await rt.prompter.confirm({
      message: `Rotate ${kind.vars.join(" + ")}? New value → every target → redeploy → verify → ${kind.retireWhat ?? "retire the old one"}`,
      flag: "--yes",
    });
    if (!ok) return { exitCode: 2 };
  }
  const steps = stepsFor(kind);
  // After Ctrl-C / SIGTERM: the steps done (journaled) and those left for the resume.
  const stopped = (step: string) => {
    const done = rec?.done ?? [];
    return interruption(
      rt.signal,
      `rotation of ${kind.name} stopped at ${step}; done: ${done.join(", ") || "nothing"}; not done: ${steps.filter((s) => !done.includes(s)).join(", ")}${done.includes("retire") || !rec ? "" : " — the old value still works"}`,
      `run efs rotate ${kind.name} again to resume at ${step}`,
    );
  };
  for (const step of steps) {
    if (rec?.done.includes(step)) continue;
    if (rt.signal.aborted) throw stopped(step);
    const ctx = await contextFor(rt, vault, args.flags);
    try {
      rec = await runStep(rt, ctx, vault, kind, step, rec);
    } catch (e) {
      if (isInterruption(e, rt.signal)) throw stopped(step);
      throw e;
    }
    rec = { ...rec, done: [...rec.done, step] };
    await saveRotation(vault, rec);
    rt.out.success(`${kind.name}: ${step}`);
    if (rt.env.EFS_ROTATE_STOP_AFTER === step) {
      throw new EfsError(`stopped after ${step} (EFS_ROTATE_STOP_AFTER)`, {
        fix: `run efs rotate ${kind.name} again to resume`,
        code: "ROTATE_STOPPED",
      });
    }
  }
  await saveRotation(vault, undefined);
  rt.out.success(`${kind.name} rotated`);
  return {
    data: {
      rotated: kind.name,
      vars: kind.vars,
      steps,
      ...(rec?.retired ? { retiredToken: rec.retired } : {}),
    },
  };
}

async function runStep(
  rt: Runtime,
  ctx: VerifyContext,
  vault: Vault,
  kind: RotationKind,
  step: string,
  rec: RotationRecord | undefined,
): Promise<RotationRecord> {
  if (step === "create") {
    const old = Object.fromEntries(kind.vars.map((v) => [v, ctx.get(v)!]));
    const oldToken = await kind.locateOld?.(ctx, old);
    const next = await kind.create(ctx);
    for (const [k, v] of Object.entries(next)) rt.redactor.add(v, k);
    const startedAt = new Date(ctx.now()).toISOString();
    return { kind: kind.name, startedAt, old, next, done: [], ...(oldToken ? { oldToken } : {}) };
  }
  if (!rec) throw new Error(`rotate: step ${step} without a journal`);
  const [verb, target] = step.split(":", 2) as [string, string | undefined];
  const fullTarget = step.slice(verb.length + 1) as Target;
  if (step === "store") {
    await vault.update((d) => {
      for (const [k, v] of Object.entries(rec.next)) d.set(k, v, { source: `rotate:${kind.name}` });
    });
  } else if (verb === "push") {
    await pushRotated(ctx, vault, kind, fullTarget, rec);
  } else if (verb === "redeploy" || verb === "redeploy-after-retire") {
    rt.out.info(await redeploy(ctx, target as "vercel" | "render"));
  } else if (step === "verify") {
    const checks = (await Promise.all(kind.verify.map((s) => runChecks(ctx, s)))).flat();
    const failed = checks.filter((c) => c.status === "fail");
    if (failed.length) {
      throw new EfsError(
        `the new ${kind.vars.join(" + ")} does not work yet: ${failed.map((c) => `${c.title}: ${c.detail}`).join("; ")}`,
        {
          fix: `the old value is still accepted; fix the cause, then run efs rotate ${kind.name} again to resume`,
          code: "ROTATE_VERIFY_FAILED",
        },
      );
    }
  } else if (step === "retire") {
    if (kind.previousVar) await dropPrevious(ctx, kind.previousVar);
    const retired = await kind.retire(ctx, rec);
    if (retired.warn) rt.out.warn(retired.say);
    else rt.out.info(retired.say);
    if (retired.token) return { ...rec, retired: retired.token };
  }
  return rec;
}

// Pushes the rotated variables to one target; on Vercel the old webhook secret goes along
// as the "previous" value, so completions signed with it are still accepted.
async function pushRotated(
  ctx: VerifyContext,
  vault: Vault,
  kind: RotationKind,
  target: Target,
  rec: RotationRecord,
): Promise<void> {
  const all = desiredFor(ctx.vault, target).vars;
  // A Modal secret is replaced whole: send all its keys; elsewhere only the rotated ones.
  const desired = target.startsWith("modal:") ? all : all.filter((d) => kind.vars.includes(d.key));
  if (target === "vercel" && kind.previousVar) {
    const api = await ctx.vercel();
    const old = rec.old[kind.vars[0]!]!;
    await api
      .upsertEnv(ctx.vercelProject(), [
        { key: kind.previousVar, value: old, type: "encrypted", target: ["production"] },
      ])
      .catch((e: unknown) => {
        throw ctx.vercelNotFound(e);
      });
  }
  const remote = await readRemote(ctx, target);
  const items = planTarget(ctx.vault, desired, remote).filter((i) => i.action !== "remote-only");
  await applyTarget(ctx, vault, target, desired, items, false);
}

async function dropPrevious(ctx: VerifyContext, key: string): Promise<void> {
  const api = await ctx.vercel();
  const project = ctx.vercelProject();
  const envs = await api.listEnv(project).catch((e: unknown) => {
    throw ctx.vercelNotFound(e);
  });
  for (const e of envs) if (e.key === key) await api.deleteEnv(project, e.id);
}
