// `efs init`: plans every checklist section, prints the targets, then applies the pending
// ones in order under a lock, journaling each remote create so a re-run converges.

import { catalogEntry } from "@efs/core/env-catalog";
import { conflictError, flagConflicts } from "../../checklist/conflicts";
import { StepContext } from "../../checklist/context";
import { type InitFlags, resolveInputs } from "../../checklist/inputs";
import { Journal, journalHooksFromEnv, readJournal } from "../../checklist/journal";
import { lockInit, unlockInit } from "../../checklist/lock";
import { chooseRegion } from "../../checklist/render";
import { STEP_NAMES, selectSteps } from "../../checklist/steps";
import { hasChanges, type Step, type StepName, type StepPlan } from "../../checklist/types";
import { outOfSync, varsFor } from "../../checklist/vars";
import { EfsError, interruption, usageError } from "../../errors";
import { endpointsFromEnv } from "../../providers/endpoints";
import { ProviderError } from "../../providers/errors";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import type { VaultState } from "../../vault/state";
import { describeNames, renderNames } from "./names-view";
import { type PlannedStep, renderPlan } from "./plan-view";

export interface InitArgs {
  readonly flags: InitFlags;
  readonly only?: readonly string[];
  readonly from?: string;
  readonly forceStep?: readonly string[];
  readonly plan: boolean;
  readonly unlock: boolean;
}

function stepNames(values: readonly string[] | undefined, flag: string): StepName[] | undefined {
  if (!values) return undefined;
  const names = values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !STEP_NAMES.includes(n as StepName));
  if (bad.length)
    throw usageError(
      `${flag} ${bad.join(",")}: unknown section`,
      `use one of: ${STEP_NAMES.join(", ")}`,
    );
  return names as StepName[];
}

// A step is finished when the journal says so, its outputs are in the vault and nothing it
// pushes is stale — or about to be written: `coming` holds the variables an earlier step of this
// run will produce that the vault lacks (one added to the catalog since the last init, like
// R2_JURISDICTION), so the steps pushing them run after it.
function isDone(step: Step, state: VaultState, coming: ReadonlySet<string>): boolean {
  if (readJournal(state)[step.name]?.status !== "done") return false;
  if (step.produces.some((n) => state.get(n) === undefined && n !== "RENDER_DEPLOY_HOOK_URL"))
    return false;
  const pushes = step.pushesTo ?? [];
  if ([...coming].some((n) => catalogEntry(n)?.targets.some((t) => pushes.includes(t))))
    return false;
  return pushes.every((t) => outOfSync(state, t, varsFor(state, t).present).length === 0);
}

// Targets that still hold an older value of a variable this run wrote (a section re-created
// with a new bucket or jurisdiction while the sections that push it were skipped or not
// selected): the apps there keep using the old one until it is pushed.
function olderValues(state: VaultState, written: readonly string[]): string | undefined {
  const byTarget = new Map<string, string[]>();
  for (const n of new Set(written)) {
    for (const t of catalogEntry(n)?.targets ?? []) {
      if (state.inSync(n, t) === false) byTarget.set(t, [...(byTarget.get(t) ?? []), n]);
    }
  }
  if (byTarget.size === 0) return undefined;
  const where = [...byTarget].map(([t, names]) => `${t} (${names.join(", ")})`).join(", ");
  return `These targets still hold the previous values: ${where}; push the new ones: efs env push --redeploy`;
}

function asEfsError(err: unknown, step: StepName): unknown {
  if (err instanceof ProviderError) {
    const [first] = err.message.split("\n");
    return new EfsError(`${step}: ${first}`, {
      fix: `${err.hint ? `${err.hint}; then ` : ""}run efs init --from ${step}`,
      code: "PROVIDER_ERROR",
      cause: err,
    });
  }
  return err;
}

// Runs `efs init` with parsed arguments.
export async function init(rt: Runtime, args: InitArgs): Promise<CommandResult> {
  if (args.unlock) {
    const who = unlockInit(rt.cwd);
    rt.out.print(who ? `Removed the init lock held by ${who}.` : "No init lock to remove.");
    return { data: { unlocked: who !== null } };
  }
  const only = stepNames(args.only, "--only");
  const [from] = stepNames(args.from ? [args.from] : undefined, "--from") ?? [];
  const forced = new Set(stepNames(args.forceStep, "--force-step") ?? []);
  if (only && from) throw usageError("--only and --from cannot be combined", "pass one of them");
  const steps = selectSteps(only, from);

  const vault = projectVault(rt);
  const journal = new Journal(vault, { ...journalHooksFromEnv(rt.env), signal: rt.signal });
  // Names the vault recorded are kept (flags still win, unless a finished section recorded them).
  const recordedState = await vault.read();
  const inputs = resolveInputs(args.flags, rt.env, recordedState);
  // A flag a finished (not forced) section would ignore stops the run, --plan too, here:
  // before the lock, any provider call or any write.
  const conflicts = flagConflicts(inputs.names, args.flags, rt.env, recordedState, forced);
  if (conflicts.length) throw conflictError(conflicts, args.flags);
  const next = new Map<string, string>();
  let spin = rt.prompter.spinner();
  const ctx = new StepContext({
    cwd: rt.cwd,
    inputs,
    env: rt.env,
    endpoints: endpointsFromEnv(rt.env),
    prompter: rt.prompter,
    redactor: rt.redactor,
    journal,
    readVault: () => vault.read(),
    reporter: {
      say: (m) => spin.message(m),
      warn: (m) => rt.out.warn(m),
      next: (m, key) => {
        if (!next.has(key ?? m)) next.set(key ?? m, m);
      },
    },
    planning: args.plan,
    http: rt.env.EFS_HTTP_BASE_DELAY_MS
      ? { baseDelayMs: Number(rt.env.EFS_HTTP_BASE_DELAY_MS) }
      : undefined,
    signal: rt.signal,
  });
  // What this run did, for the message after Ctrl-C / SIGTERM.
  const applied: StepName[] = [];
  let current: StepName | undefined;
  let remaining: StepName[] = [];

  const release = args.plan ? () => {} : await lockInit(rt.cwd, "efs init");
  try {
    return await run();
  } catch (err) {
    if (rt.signal.aborted) throw interrupted(rt.signal, applied, current, remaining, args.plan);
    throw err;
  } finally {
    release();
  }

  async function run(): Promise<CommandResult> {
    rt.out.info(`efs init — ${steps.map((s) => s.name).join(" → ")}`);
    const planned: PlannedStep[] = [];
    const plans = new Map<StepName, StepPlan>();
    const state = await vault.read();
    // The worker's region, looked up from Turso only when this run places the worker.
    const placesWorker = steps.some((s) => s.name === "render" || s.name === "templates");
    const region = await chooseRegion(ctx, placesWorker).catch((e) => {
      throw asEfsError(e, "render");
    });
    const names = describeNames(inputs, region);
    const coming = new Set<string>();
    for (const step of steps) {
      ctx.checkpoint();
      const needs = [...step.needs.tokens, ...step.needs.vars];
      if (isDone(step, state, coming) && !forced.has(step.name)) {
        planned.push({ name: step.name, title: step.title, status: "done", items: [], needs });
        continue;
      }
      for (const n of step.produces) if (state.get(n) === undefined) coming.add(n);
      if (rt.prompter.interactive && !args.plan) await step.prepare?.(ctx);
      const plan = await step.plan(ctx).catch((e) => {
        throw asEfsError(e, step.name);
      });
      plans.set(step.name, plan);
      planned.push({
        name: step.name,
        title: step.title,
        status: plan.blocked ? "blocked" : "pending",
        items: plan.items,
        targets: plan.targets,
        blocked: plan.blocked,
        needs,
      });
    }
    const pending = planned.filter((p) => p.status !== "done" && hasChanges(plans.get(p.name)!));
    const text = `${renderNames(names)}\n${renderPlan(planned)}`;
    if (args.plan) {
      rt.out.print(text);
      rt.out.info(
        pending.length
          ? `${pending.length} section(s) with changes pending; run efs init to apply.`
          : "Nothing to do.",
      );
      return { data: { names, plan: planned }, exitCode: pending.length ? 2 : 0 };
    }
    rt.out.info(text);
    // A step interrupted after its last change has nothing left to do: close its journal.
    for (const p of planned) {
      if (p.status === "pending" && !pending.includes(p) && readJournal(state)[p.name]) {
        await journal.mark(p.name, "done");
      }
    }
    if (pending.length === 0) {
      rt.out.success("Everything is provisioned; nothing to do.");
      return { data: { plan: planned, applied: [] } };
    }
    const ok = await rt.prompter.confirm({
      message: "Apply these changes to the targets above?",
      flag: "--yes",
      initial: true,
    });
    if (!ok) return { data: { plan: planned, applied: [] }, exitCode: 2 };

    remaining = pending.map((p) => p.name);
    for (const p of pending) {
      const step = steps.find((s) => s.name === p.name)!;
      ctx.checkpoint();
      current = step.name;
      remaining = remaining.filter((n) => n !== step.name);
      spin = rt.prompter.spinner();
      spin.start(step.title);
      try {
        await journal.mark(step.name, "started");
        await step.apply(ctx);
        const problems = await step.verify(ctx);
        if (problems.length) {
          throw new EfsError(`${step.name}: verification failed: ${problems.join("; ")}`, {
            fix: `fix the above, then run efs init --from ${step.name}`,
          });
        }
        await journal.mark(step.name, "done");
        spin.stop(`${step.title}: done`);
        applied.push(step.name);
        current = undefined;
      } catch (err) {
        spin.error(`${step.title}: ${rt.signal.aborted ? "interrupted" : "failed"}`);
        throw asEfsError(err, step.name);
      }
    }
    ctx.checkpoint();
    const older = olderValues(
      await vault.read(),
      steps.filter((s) => applied.includes(s.name)).flatMap((s) => s.produces),
    );
    if (older) rt.out.warn(older);
    const lines = [
      ...(older ? [older] : []),
      ...next,
      "Check everything end to end: efs verify",
      "Push later changes: efs env push",
    ];
    rt.out.success(`Provisioned ${applied.join(", ")}.`);
    rt.out.info(`Next steps:\n${lines.map((l) => `  • ${l}`).join("\n")}`);
    return { data: { plan: planned, applied, next: lines } };
  }
}

// The message after Ctrl-C / SIGTERM: what this run finished, what it was doing (its
// journal lets a re-run adopt whatever that section created) and what it did not start.
function interrupted(
  signal: AbortSignal,
  applied: readonly StepName[],
  current: StepName | undefined,
  remaining: readonly StepName[],
  planning: boolean,
): EfsError {
  if (planning || (!current && applied.length === 0 && remaining.length === 0))
    return interruption(signal, "while planning; nothing was changed");
  const parts = [
    `finished ${applied.length ? applied.join(", ") : "no section"} in this run`,
    current
      ? `stopped inside ${current} before its next provider call (what it created is journaled and is adopted on the next run)`
      : undefined,
    remaining.length ? `not started: ${remaining.join(", ")}` : undefined,
  ].filter(Boolean);
  return interruption(
    signal,
    parts.join("; "),
    current || remaining.length
      ? `run efs init again to resume${current ? ` at ${current}` : ""} (finished sections are skipped)`
      : undefined,
  );
}
