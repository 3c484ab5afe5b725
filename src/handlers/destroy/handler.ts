// `efs destroy`: plans the removal of what efs init created (reverse order), shows what would
// be lost, takes the typed project name, then deletes one resource at a time under init's
// lock, journaled so a killed run resumes without deleting anything twice.
import { basename } from "node:path";
import { StepContext } from "../../checklist/context";
import { type InitFlags, resolveInputs } from "../../checklist/inputs";
import { Journal, journalHooksFromEnv } from "../../checklist/journal";
import { lockInit } from "../../checklist/lock";
import { EfsError, usageError } from "../../errors";
import { endpointsFromEnv } from "../../providers/endpoints";
import { ProviderError } from "../../providers/errors";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import { DestroyContext } from "./context";
import { DESTROY_KEY, finishSection, removeOnce, startSection } from "./journal";
import { renderDestroyPlan } from "./plan-view";
import { SECTIONS } from "./sections/index";
import { DESTROY_SECTIONS, type DestroySectionName, type SectionPlan } from "./types";

/** Parsed `efs destroy` flags. */
export interface DestroyArgs {
  readonly flags: InitFlags;
  readonly only?: readonly string[];
  readonly plan: boolean;
  readonly confirm?: string;
  readonly includeAdopted: boolean;
}

function sectionNames(values: readonly string[] | undefined): DestroySectionName[] | undefined {
  if (!values) return undefined;
  const names = values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(DESTROY_SECTIONS as readonly string[]).includes(n));
  if (bad.length || names.length === 0)
    throw usageError(
      `--only ${bad.join(",") || "(empty)"}: not a section efs destroy removes`,
      `use one or more of: ${DESTROY_SECTIONS.join(", ")}`,
    );
  return names as DestroySectionName[];
}

// The typed confirmation: --confirm <name> (with --yes in CI), or the name typed at a prompt.
function checkConfirmation(rt: Runtime, args: DestroyArgs, project: string): void {
  const fix = `pass --yes --confirm ${project} (the project directory's name)`;
  if (args.confirm !== undefined && args.confirm !== project)
    throw usageError(`--confirm "${args.confirm}" is not this project's name ("${project}")`, fix);
  if (rt.globals.yes && args.confirm === undefined)
    throw usageError("efs destroy does not take a bare --yes: it needs the project name too", fix);
  if (!rt.prompter.interactive && !(rt.globals.yes && args.confirm !== undefined))
    throw usageError(
      "efs destroy needs --yes and the typed project name when it cannot prompt (CI or no terminal)",
      fix,
    );
}

function asEfsError(err: unknown, section: string): unknown {
  if (err instanceof ProviderError) {
    const [first] = err.message.split("\n");
    return new EfsError(`${section}: ${first}`, {
      fix: `${err.hint ? `${err.hint}; then ` : ""}run efs destroy again (it resumes)`,
      code: "PROVIDER_ERROR",
      cause: err,
    });
  }
  return err;
}

// Runs `efs destroy`.
export async function destroy(rt: Runtime, args: DestroyArgs): Promise<CommandResult> {
  const only = sectionNames(args.only);
  const project = basename(rt.cwd);
  const vault = projectVault(rt);
  if (!vault.exists()) {
    throw new EfsError(`No vault in ${rt.cwd}: efs init created nothing here`, {
      fix: "run efs destroy from the project efs init set up (or pass --cwd <dir>)",
      code: "NO_VAULT",
    });
  }
  if (!args.plan) checkConfirmation(rt, args, project);
  const release = args.plan ? () => {} : await lockInit(rt.cwd, "efs destroy");
  let spin = rt.prompter.spinner();
  try {
    const state = await vault.read();
    const journal = new Journal(
      vault,
      { ...journalHooksFromEnv(rt.env), signal: rt.signal },
      DESTROY_KEY,
    );
    const step = new StepContext({
      cwd: rt.cwd,
      inputs: resolveInputs(args.flags, rt.env, state),
      env: rt.env,
      endpoints: endpointsFromEnv(rt.env),
      prompter: rt.prompter,
      redactor: rt.redactor,
      journal,
      readVault: () => vault.read(),
      reporter: { say: (m) => spin.message(m), warn: (m) => rt.out.warn(m), next: () => {} },
      planning: args.plan,
      http: rt.env.EFS_HTTP_BASE_DELAY_MS
        ? { baseDelayMs: Number(rt.env.EFS_HTTP_BASE_DELAY_MS) }
        : undefined,
    });
    const ctx = new DestroyContext({
      step,
      state,
      includeAdopted: args.includeAdopted,
      signal: rt.signal,
      say: (m) => spin.message(m),
    });
    const sections = SECTIONS.filter((s) => (!only || only.includes(s.name)) && s.recorded(ctx));
    const plans: SectionPlan[] = [];
    spin.start("reading what efs init created");
    try {
      for (const s of sections) {
        spin.message(`reading ${s.title}`);
        plans.push(await s.plan(ctx).catch((e) => Promise.reject(asEfsError(e, s.name))));
      }
    } finally {
      spin.stop();
    }
    const text = renderDestroyPlan(project, rt.cwd, plans, rt.out.color);
    const pending = plans.flatMap((p) => p.items.filter((i) => i.action === "delete"));
    const kept = plans.flatMap((p) => p.items.filter((i) => i.action === "keep"));
    const data = { project, plan: plans };
    if (args.plan) {
      rt.out.print(text);
      rt.out.info(
        pending.length
          ? `${pending.length} resource(s) would be deleted; run efs destroy to do it.`
          : "Nothing to delete.",
      );
      return { data, exitCode: pending.length ? 2 : 0 };
    }
    rt.out.info(text);
    if (plans.length === 0) {
      rt.out.success("Nothing to destroy: efs init recorded no resources here.");
      return { data: { ...data, destroyed: [], kept: [] } };
    }
    if (args.confirm === undefined) {
      await rt.prompter.text({
        message: `This deletes the resources marked "delete" above. Type the project name (${project}) to go on`,
        flag: "--confirm",
        validate: (v) => (v.trim() === project ? undefined : `type ${project} exactly`),
      });
    }
    const destroyed: string[] = [];
    for (const p of plans) {
      const s = SECTIONS.find((x) => x.name === p.section)!;
      spin = rt.prompter.spinner();
      spin.start(s.title);
      try {
        await startSection(journal, s.name);
        for (const item of p.items.filter((i) => i.action === "delete")) {
          spin.message(`deleting ${item.what}`);
          const outcome = await removeOnce(vault, journal, ctx, s, item);
          if (outcome === "deleted") destroyed.push(`${s.name}: ${item.what}`);
        }
        await finishSection(journal, ctx, s, p.items);
        spin.stop(`${s.title}: done`);
      } catch (err) {
        spin.error(`${s.title}: failed`);
        throw asEfsError(err, s.name);
      }
    }
    for (const k of kept) rt.out.info(`kept ${k.what} (adopted; --include-adopted deletes it)`);
    rt.out.success(
      `Destroyed ${plans.map((p) => p.section).join(", ")}. The vault keeps the generated secrets; efs init builds the stack again.`,
    );
    const partial = only && only.length < DESTROY_SECTIONS.length;
    if (partial)
      rt.out.info(
        "Services that are still up may hold values of what was removed: efs init (to rebuild it), then efs env push.",
      );
    return { data: { ...data, destroyed, kept: kept.map((k) => k.what) } };
  } finally {
    release();
  }
}
