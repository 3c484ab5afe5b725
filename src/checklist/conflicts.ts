// Flags that contradict a finished section: `efs init` skips a section its journal says is
// done, so a name or choice given for it (by flag or env twin) that differs from what the
// vault recorded would silently do nothing. They are found before anything is changed, and
// refused with the two ways out: keep the recorded value, or re-create the section.
import { EfsError, EXIT } from "../errors";
import type { VaultState } from "../vault/state";
import { type InitFlags, recordedSettings } from "./inputs";
import { readJournal } from "./journal";
import { clean, NAME_INPUTS, NAME_LABELS, type Named, type NameKey, recordedName } from "./names";
import { STEP_NAMES } from "./steps";
import type { StepName } from "./types";

/** A value asked for by flag or env var that a finished section recorded differently. */
export interface FlagConflict {
  readonly section: StepName;
  readonly what: string;
  // The flag that sets it, and where this run's value came from (that flag or its env twin).
  readonly flag: string;
  readonly from: string;
  readonly given: string;
  readonly recorded: string;
}

// The section that creates each named resource.
const NAME_SECTIONS: Record<NameKey, StepName> = {
  bucket: "r2",
  r2Token: "r2",
  db: "turso",
  vercelProject: "vercel",
  renderService: "render",
};

// What this run was told explicitly: the flag, else its env twin (the order resolveInputs uses).
// Names carry where they came from already (resolveNames); this is for the other settings.
function told(
  flag: string | undefined,
  flagName: string,
  env: string | undefined,
  envName: string,
): { value: string; from: string } | undefined {
  const f = clean(flag);
  if (f) return { value: f, from: flagName };
  const e = clean(env);
  return e ? { value: e, from: envName } : undefined;
}

// A resolved name that this run was told (by flag or env twin), not one it recorded or defaulted.
const toldName = (n: Named) =>
  n.source === "flag" || n.source === "env" ? { value: n.value, from: n.detail } : undefined;

// The conflicts of a run: only sections the journal says are done and `forced` does not redo.
// `names` are the run's resolved names (InitInputs.names).
export function flagConflicts(
  names: Readonly<Record<NameKey, Named>>,
  flags: InitFlags,
  env: Readonly<NodeJS.ProcessEnv>,
  state: VaultState,
  forced: ReadonlySet<StepName>,
): FlagConflict[] {
  const journal = readJournal(state);
  const finished = (s: StepName) => journal[s]?.status === "done" && !forced.has(s);
  const out: FlagConflict[] = [];
  const check = (
    section: StepName,
    what: string,
    flag: string,
    given: { value: string; from: string } | undefined,
    recorded: string | undefined,
  ) => {
    if (given && recorded !== undefined && given.value !== recorded && finished(section))
      out.push({ section, what, flag, from: given.from, given: given.value, recorded });
  };
  for (const key of Object.keys(NAME_SECTIONS) as NameKey[]) {
    const rec = recordedName(key, state);
    // A resource recorded by id only (an older vault) cannot be compared with a name.
    if (rec?.id) continue;
    check(
      NAME_SECTIONS[key],
      NAME_LABELS[key],
      NAME_INPUTS[key].flag,
      toldName(names[key]),
      rec?.value,
    );
  }
  const r = recordedSettings(state);
  check(
    "r2",
    "R2 jurisdiction",
    "--bucket-jurisdiction",
    told(
      flags.bucketJurisdiction,
      "--bucket-jurisdiction",
      env.EFS_BUCKET_JURISDICTION,
      "EFS_BUCKET_JURISDICTION",
    ),
    r.bucketJurisdiction,
  );
  check(
    "r2",
    "Cloudflare account",
    "--cloudflare-account",
    told(
      flags.cloudflareAccount,
      "--cloudflare-account",
      env.CLOUDFLARE_ACCOUNT_ID,
      "CLOUDFLARE_ACCOUNT_ID",
    ),
    r.cloudflareAccountId,
  );
  check(
    "vercel",
    "Vercel team",
    "--vercel-team",
    told(flags.vercelTeam, "--vercel-team", env.VERCEL_TEAM_ID, "VERCEL_TEAM_ID"),
    r.vercelTeam,
  );
  return out;
}

const list = (items: readonly string[]) =>
  items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

// What re-creating r2 in another jurisdiction needs besides the flags given: a new --bucket
// (a bucket keeps its jurisdiction and its name stays taken in the account while it exists).
// The R2 token needs no new name: one found by its name is re-scoped to the new bucket.
function r2Extras(conflicts: readonly FlagConflict[], flags: InitFlags): string[] {
  return conflicts.some((c) => c.flag === "--bucket-jurisdiction") && !clean(flags.bucket)
    ? ["--bucket <new name>"]
    : [];
}

// The error for a run's conflicts (a usage error: what was asked, what was recorded, the fix).
export function conflictError(conflicts: readonly FlagConflict[], flags: InitFlags): EfsError {
  const sections = STEP_NAMES.filter((s) => conflicts.some((c) => c.section === s));
  const lines = conflicts.map(
    (c) =>
      `  ${c.what}: ${c.from} asks for ${c.given}, but the finished ${c.section} section recorded ${c.recorded}`,
  );
  const s = sections.join(",");
  const drop = list(
    conflicts.map((c) => (c.from.startsWith("--") ? `drop ${c.from}` : `unset ${c.from}`)),
  );
  const kept = list(conflicts.map((c) => c.recorded));
  const extras = r2Extras(conflicts, flags);
  const again = [
    ...conflicts.filter((c) => c.from.startsWith("--")).map((c) => `${c.flag} ${c.given}`),
    ...extras,
  ];
  const why = extras.length
    ? " (a bucket cannot change jurisdiction and its name stays taken in the account)"
    : "";
  const isAre = sections.length === 1 ? `section ${s} is` : `sections ${list(sections)} are`;
  return new EfsError(
    `efs init would ignore what you asked: ${isAre} finished and keeps what it recorded. Nothing was changed.\n${lines.join("\n")}`,
    {
      fix: [
        `${drop} to keep ${kept}`,
        `or re-create with the new value: ${[`efs init --only ${s} --force-step ${s}`, ...again].join(" ")}${why}`,
        `efs then tracks only the new resources and the old ones stay: efs destroy --only ${s} before the re-create deletes those efs created`,
      ].join("; "),
      exitCode: EXIT.usage,
      code: "FLAG_CONFLICT",
    },
  );
}
