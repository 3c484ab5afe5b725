// What destroy sections get: the vault snapshot and init journal taken before the run,
// provider clients (init's StepContext: same credentials, flags and names as efs init),
// whether adopted resources go too, and progress reporting.
import type { StepContext } from "../../checklist/context";
import { type InitJournal, type ResourceRecord, readJournal } from "../../checklist/journal";
import type { VaultState } from "../../vault/state";

export interface DestroyContextInit {
  step: StepContext;
  state: VaultState;
  includeAdopted: boolean;
  signal: AbortSignal;
  say: (message: string) => void;
}

/** Built once per `efs destroy` run. */
export class DestroyContext {
  readonly step: StepContext;
  readonly state: VaultState;
  readonly init: InitJournal;
  readonly includeAdopted: boolean;
  readonly signal: AbortSignal;
  readonly #say: (message: string) => void;

  constructor(o: DestroyContextInit) {
    this.step = o.step;
    this.state = o.state;
    this.init = readJournal(o.state);
    this.includeAdopted = o.includeAdopted;
    this.signal = o.signal;
    this.#say = o.say;
  }

  get env(): Readonly<NodeJS.ProcessEnv> {
    return this.step.env;
  }

  say(message: string): void {
    this.#say(message);
  }

  // The init journal's record of one resource.
  record(section: string, resource: string): ResourceRecord | undefined {
    return this.init[section]?.resources[resource];
  }

  // Created by efs init (it wrote an intent before creating) rather than adopted by name.
  created(section: string, resource: string): boolean {
    return this.record(section, resource)?.intentAt !== undefined;
  }

  // "delete", or "keep" for an adopted resource unless --include-adopted.
  decide(section: string, resource: string): { action: "delete" | "keep"; note?: string } {
    if (this.created(section, resource) || this.includeAdopted) return { action: "delete" };
    return {
      action: "keep",
      note: "existed before efs init (adopted): kept; --include-adopted deletes it",
    };
  }
}
