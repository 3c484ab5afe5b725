// The step journal, kept (encrypted) in the vault: intent before each remote create, the
// resource id after, and step completion. Re-runs read it to adopt and to skip finished steps.

import { appendFileSync } from "node:fs";
import { throwIfInterrupted } from "../errors";
import type { VaultDraft, VaultState } from "../vault/state";
import type { Vault } from "../vault/vault";

const JOURNAL_KEY = "init";

export interface ResourceRecord {
  intentAt?: string;
  id?: string;
  // The resource's name when it differs from its id (kept so re-runs use the same name).
  name?: string;
  doneAt?: string;
  // What the remote looked like when the intent was written (e.g. the newest Render deploy
  // id), so a resumed run finds what the interrupted one created without comparing clocks.
  before?: string;
  // Facts about the resource later runs need (e.g. an R2 bucket's jurisdiction).
  meta?: Record<string, string>;
}

export interface StepRecord {
  status: "started" | "done";
  at: string;
  resources: Record<string, ResourceRecord>;
}

export type InitJournal = Record<string, StepRecord>;

// The init journal (or another one kept the same way, e.g. "destroy") within a vault snapshot.
export function readJournal(state: VaultState, key = JOURNAL_KEY): InitJournal {
  return (state.journal[key] as InitJournal | undefined) ?? {};
}

// Test-only hooks: name each write point; SIGKILL just before the named one (kill -9 tests).
export interface JournalHooks {
  crashAt?: string;
  onPoint?: (point: string) => void;
  // The run's cancel signal: no intent is written (so nothing is created) after Ctrl-C.
  signal?: AbortSignal;
}

// EFS_TEST_CRASH_AT / EFS_TEST_JOURNAL_LOG: kill -9 at a named journal write, list the writes.
export function journalHooksFromEnv(env: Readonly<NodeJS.ProcessEnv>): JournalHooks {
  const log = env.EFS_TEST_JOURNAL_LOG;
  return {
    crashAt: env.EFS_TEST_CRASH_AT || undefined,
    onPoint: log ? (p) => appendFileSync(log, `${p}\n`) : undefined,
  };
}

// True when an intent was written and nothing was recorded after it (a crash in between).
export function pendingIntent(rec: ResourceRecord | undefined): boolean {
  if (!rec?.intentAt) return false;
  return !rec.doneAt || rec.doneAt < rec.intentAt;
}

/** Journal writes; every write is one atomic vault update (values + journal together). */
export class Journal {
  readonly #vault: Vault;
  readonly #hooks: JournalHooks;
  readonly #key: string;
  // Write points of another journal are named "<key>:<point>" (e.g. "destroy:r2:bucket:intent").
  readonly #prefix: string;

  constructor(vault: Vault, hooks: JournalHooks = {}, key = JOURNAL_KEY) {
    this.#vault = vault;
    this.#hooks = hooks;
    this.#key = key;
    this.#prefix = key === JOURNAL_KEY ? "" : `${key}:`;
  }

  // Applies `fn` to the vault draft and the step's record in one locked write; `point`
  // names the write (e.g. "r2:bucket:intent").
  async write(
    step: string,
    point: string,
    fn: (rec: StepRecord, draft: VaultDraft) => void,
  ): Promise<void> {
    const named = this.#prefix + point;
    this.#hooks.onPoint?.(named);
    if (this.#hooks.crashAt === named) {
      process.kill(process.pid, "SIGKILL");
      await new Promise(() => {});
    }
    await this.#vault.update((draft) => {
      const all = readJournal(draft, this.#key);
      const rec: StepRecord = structuredClone(all[step]) ?? {
        status: "started",
        at: now(),
        resources: {},
      };
      fn(rec, draft);
      draft.setJournal(this.#key, { ...all, [step]: rec });
    });
  }

  // Records that `resource` is about to be created remotely (`before`: see ResourceRecord);
  // refused once the run's signal is aborted, so a step stops before its create.
  async intent(step: string, resource: string, before?: string): Promise<void> {
    throwIfInterrupted(this.#hooks.signal);
    return this.write(step, `${step}:${resource}:intent`, (rec) => {
      rec.resources[resource] = { ...rec.resources[resource], intentAt: now(), before };
    });
  }

  // Records the created/adopted resource id (with its name and meta, see ResourceRecord),
  // and stores values produced with it.
  record(
    step: string,
    resource: string,
    id: string,
    values: Record<string, string> = {},
    about: { name?: string; meta?: Record<string, string> } = {},
  ): Promise<void> {
    return this.write(step, `${step}:${resource}:record`, (rec, draft) => {
      rec.resources[resource] = {
        ...rec.resources[resource],
        id,
        ...(about.name !== undefined ? { name: about.name } : {}),
        doneAt: now(),
        ...(about.meta ? { meta: about.meta } : {}),
      };
      for (const [k, v] of Object.entries(values)) draft.set(k, v, { source: step });
    });
  }

  // Stores values without a resource (generated secrets, URLs).
  store(step: string, values: Record<string, string>): Promise<void> {
    return this.write(step, `${step}:store:${Object.keys(values).join(",")}`, (_rec, draft) => {
      for (const [k, v] of Object.entries(values)) draft.set(k, v, { source: step });
    });
  }

  // Marks the step started (before its first change) or done.
  mark(step: string, status: StepRecord["status"]): Promise<void> {
    return this.write(step, `${step}:mark:${status}`, (rec) => {
      rec.status = status;
      rec.at = now();
    });
  }

  // Records pushes of vault variables to a target (e.g. "vercel").
  pushed(step: string, target: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    return this.write(step, `${step}:pushed:${target}`, (_rec, draft) => {
      for (const n of names) draft.recordPush(n, target);
    });
  }
}

function now(): string {
  return new Date().toISOString();
}
