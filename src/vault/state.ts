// In-memory views of a decrypted vault: VaultState (read-only snapshot) and VaultDraft
// (the mutable copy an update() callback edits). Values are validated before they are kept.
import { catalogEntry, validateVar } from "@efs/core/env-catalog";
import { EfsError, EXIT } from "../errors";
import { fingerprint, type Sealed, type VaultKeys } from "./crypto";
import type { PushRecord } from "./format";

/** One variable of the tracking table, decrypted. */
export interface VaultEntry {
  readonly name: string;
  readonly source: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly pushes: Readonly<Record<string, PushRecord>>;
  readonly value: string;
}

/** A decrypted entry plus its ciphertext when the value is unchanged since the last write. */
export interface StoredEntry extends VaultEntry {
  readonly sealed?: Sealed;
}

// Names must be UPPER_SNAKE_CASE, like env vars everywhere they are pushed.
export const NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

// The largest value the vault stores (UTF-8 bytes); docs/vault.md states it.
export const MAX_VALUE_BYTES = 1024 * 1024;

// How an invalid name is shown in an error. Something pasted in the NAME position may be a
// secret, so it is echoed only when it is a catalog name in the wrong case; otherwise only
// its length is shown.
export function describeBadName(name: string): string {
  const upper = name.trim().toUpperCase().replace(/-/g, "_");
  if (catalogEntry(upper)) return `"${name}" is not a valid variable name: did you mean ${upper}?`;
  const pasted = name.includes("=")
    ? ' (it contains "=": pass only the name; the value goes on stdin)'
    : "";
  return `The name given (${name.length} characters, not shown in case it is a secret) is not a valid variable name${pasted}`;
}

// Throws a usage error when `name` is not a valid variable name (without echoing it).
export function assertName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new EfsError(
      `${describeBadName(name)}; names are UPPER_SNAKE_CASE, e.g. TURSO_AUTH_TOKEN`,
      {
        fix: "rename the variable: letters A-Z, digits and _ only, starting with a letter",
        exitCode: EXIT.usage,
        code: "INVALID_NAME",
      },
    );
  }
}

// What is wrong with storing `value` under `name` (a valid name), or null.
export function valueProblem(name: string, value: string): string | null {
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_VALUE_BYTES)
    return `${name} is ${bytes} bytes: the vault stores values up to 1 MiB (${MAX_VALUE_BYTES} bytes)`;
  return validateVar(name, value);
}

// Throws a usage error naming the variable when `name`/`value` may not be stored.
export function assertStorable(name: string, value: string): void {
  assertName(name);
  const problem = valueProblem(name, value);
  if (problem) {
    const e = catalogEntry(name);
    throw new EfsError(`Refusing to store ${problem}${e ? ` (${e.description})` : ""}`, {
      fix: fixFor(name, problem),
      exitCode: EXIT.usage,
      code: "INVALID_VALUE",
    });
  }
}

function fixFor(name: string, problem: string): string {
  if (/zero-width|control character|NUL|Unicode/.test(problem))
    return `retype ${name} or copy it again from its source: the character is invisible when printed`;
  if (/bytes: the vault stores/.test(problem))
    return "store a reference to the data (a URL or a file path) instead of the data itself";
  return `pass the exact value without surrounding whitespace or newline, e.g. printf %s "$VALUE" | efs env set ${name}`;
}

/** A read-only view of the vault. */
export class VaultState {
  // null when the vault does not exist yet.
  readonly projectId: string | null;
  protected journalData: Record<string, unknown>;
  protected readonly list: StoredEntry[];
  protected readonly keys: VaultKeys | null;

  constructor(
    projectId: string | null,
    entries: StoredEntry[],
    journal: Record<string, unknown>,
    keys: VaultKeys | null,
  ) {
    this.projectId = projectId;
    this.list = entries;
    this.journalData = journal;
    this.keys = keys;
  }

  // The free-form journal (init's step journal and the like), decrypted.
  get journal(): Readonly<Record<string, unknown>> {
    return this.journalData;
  }

  // Every variable, in insertion order (without ciphertexts).
  entries(): VaultEntry[] {
    return this.list.map(({ sealed: _sealed, ...e }) => e);
  }

  // One variable's entry, or undefined.
  entry(name: string): VaultEntry | undefined {
    const e = this.list.find((x) => x.name === name);
    if (!e) return undefined;
    const { sealed: _sealed, ...rest } = e;
    return rest;
  }

  // A variable's value, or undefined.
  get(name: string): string | undefined {
    return this.list.find((e) => e.name === name)?.value;
  }

  // The keyed fingerprint of `value` (default: the stored value) for `name`.
  fingerprint(name: string, value = this.get(name)): string | undefined {
    if (value === undefined || !this.keys) return undefined;
    return fingerprint(this.keys, name, value);
  }

  // Whether the value last pushed to `target` is the current one; null if never pushed.
  inSync(name: string, target: string): boolean | null {
    const push = this.entry(name)?.pushes[target];
    if (!push) return null;
    return push.fingerprint === this.fingerprint(name);
  }
}

/** The mutable copy handed to Vault.update(); changes are written when the callback returns. */
export class VaultDraft extends VaultState {
  #changed = false;
  #journalChanged = false;
  readonly #now: string;

  constructor(
    projectId: string,
    entries: StoredEntry[],
    journal: Record<string, unknown>,
    keys: VaultKeys,
    now: string,
  ) {
    super(projectId, [...entries], { ...journal }, keys);
    this.#now = now;
  }

  get changed(): boolean {
    return this.#changed || this.#journalChanged;
  }

  get journalChanged(): boolean {
    return this.#journalChanged;
  }

  // Entries with ciphertexts (for the writer).
  stored(): readonly StoredEntry[] {
    return this.list;
  }

  // Stores a validated value; unchanged values keep their ciphertext and timestamps.
  set(
    name: string,
    value: string,
    options: { source?: string } = {},
  ): "created" | "updated" | "unchanged" {
    assertStorable(name, value);
    const i = this.list.findIndex((e) => e.name === name);
    const source = options.source ?? catalogEntry(name)?.section ?? "manual";
    const old = this.list[i];
    if (old && old.value === value) {
      if (options.source && old.source !== options.source) {
        this.list[i] = { ...old, source: options.source };
        this.#changed = true;
      }
      return "unchanged";
    }
    this.#changed = true;
    if (old) {
      this.list[i] = {
        ...old,
        source: options.source ?? old.source,
        value,
        updatedAt: this.#now,
        sealed: undefined,
      };
      return "updated";
    }
    this.list.push({ name, source, value, createdAt: this.#now, updatedAt: this.#now, pushes: {} });
    return "created";
  }

  // Removes a variable; false when it was not there.
  unset(name: string): boolean {
    const i = this.list.findIndex((e) => e.name === name);
    if (i === -1) return false;
    this.list.splice(i, 1);
    this.#changed = true;
    return true;
  }

  // Records that the current value of `name` was pushed to `target`.
  recordPush(
    name: string,
    target: string,
    options: { remoteUpdatedAt?: string | null } = {},
  ): void {
    const i = this.list.findIndex((e) => e.name === name);
    const e = this.list[i];
    if (!e) throw new Error(`recordPush: ${name} is not in the vault`);
    const push: PushRecord = {
      fingerprint: fingerprint(this.keys as VaultKeys, name, e.value),
      remoteUpdatedAt: options.remoteUpdatedAt ?? null,
      pushedAt: this.#now,
    };
    this.list[i] = { ...e, pushes: { ...e.pushes, [target]: push } };
    this.#changed = true;
  }

  // Forgets the push record of `name` at `target` (e.g. the remote variable was deleted).
  forgetPush(name: string, target: string): void {
    const i = this.list.findIndex((e) => e.name === name);
    const e = this.list[i];
    if (!e?.pushes[target]) return;
    const { [target]: _gone, ...rest } = e.pushes;
    this.list[i] = { ...e, pushes: rest };
    this.#changed = true;
  }

  // Sets (or with undefined, deletes) a JSON-serialisable journal key (encrypted at rest).
  setJournal(key: string, value: unknown): void {
    const next = { ...this.journalData };
    if (value === undefined) delete next[key];
    else next[key] = JSON.parse(JSON.stringify(value)) as unknown;
    if (JSON.stringify(next) !== JSON.stringify(this.journalData)) {
      this.journalData = next;
      this.#journalChanged = true;
    }
  }
}
