// The env tracking table: an encrypted file `.efs/vault.json` in the project. Reads verify
// the whole file (key id, MAC, every value's GCM tag) before returning anything; writes are
// read-modify-write under a lock file and replace the file atomically, so concurrent efs
// processes lose nothing and a crash leaves the old or the new vault.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogEntry } from "@efs/core/env-catalog";
import { EfsError } from "../errors";
import type { Redactor } from "../redact";
import { removeOrphanTemps, writeFileAtomic } from "./atomic";
import { canonicalJson, mac, macEqual, open, type Sealed, seal, type VaultKeys } from "./crypto";
import {
  type EntryRecord,
  journalAad,
  type KdfRecord,
  macBody,
  parseVaultFile,
  VAULT_FORMAT,
  VAULT_VERSION,
  type VaultFile,
  valueAad,
} from "./format";
import { type KeySources, keyForExisting, keyForNew, type ResolvedKey } from "./key";
import { acquireLock, type LockOptions, pidAlive } from "./lock";
import { boundOrigin, PROJECT_JOURNAL_KEY } from "./project";
import { type StoredEntry, VaultDraft, VaultState } from "./state";

const VAULT_DIR = ".efs";
const VAULT_FILE = "vault.json";

export interface VaultOptions {
  // The project directory; the vault is <root>/.efs/vault.json.
  readonly root: string;
  readonly keys: KeySources;
  // Receives every secret value read or written, so no output path can print it.
  readonly redactor?: Redactor;
  readonly now?: () => Date;
  readonly lock?: LockOptions;
  // The origin of the project directory (see ./project); a vault bound to another origin
  // is refused unless `rebind` is set (efs vault rebind), which re-records it on write.
  readonly project?: () => Promise<string | null>;
  readonly rebind?: boolean;
}

interface Loaded {
  readonly file: VaultFile;
  readonly key: ResolvedKey;
  readonly entries: StoredEntry[];
  readonly journal: Record<string, unknown>;
}

/** The project's vault; cheap to construct, does I/O only in read() and update(). */
export class Vault {
  readonly root: string;
  readonly dir: string;
  readonly path: string;
  readonly lockPath: string;
  readonly #o: VaultOptions;
  readonly #keyCache = new Map<string, ResolvedKey>();
  #originMemo: Promise<string | null> | undefined;

  constructor(options: VaultOptions) {
    this.#o = options;
    this.root = options.root;
    this.dir = join(options.root, VAULT_DIR);
    this.path = join(this.dir, VAULT_FILE);
    this.lockPath = `${this.path}.lock`;
  }

  // True when the vault file exists.
  exists(): boolean {
    return existsSync(this.path);
  }

  // The plain-text header (no key needed); null when the vault does not exist.
  header(): { projectId: string; kdf: KdfRecord["type"]; keyId: string; entries: number } | null {
    const text = this.#readText();
    if (text === null) return null;
    const f = parseVaultFile(text, this.path);
    return { projectId: f.projectId, kdf: f.kdf.type, keyId: f.keyId, entries: f.entries.length };
  }

  // Resolves (and checks) this vault's key; null when the vault does not exist.
  async key(): Promise<ResolvedKey | null> {
    const text = this.#readText();
    return text === null ? null : this.#resolveKey(parseVaultFile(text, this.path));
  }

  // Reads and fully verifies the vault; a missing vault reads as empty (no key needed).
  async read(): Promise<VaultState> {
    const text = this.#readText();
    if (text === null) return new VaultState(null, [], {}, null);
    const l = await this.#load(text);
    return new VaultState(l.file.projectId, l.entries, l.journal, l.key.keys);
  }

  // Runs `fn` on a draft of the current vault under the lock and saves its changes.
  async update<T>(fn: (draft: VaultDraft) => T | Promise<T>): Promise<T> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const ignore = join(this.dir, ".gitignore");
    if (!existsSync(ignore))
      writeFileSync(ignore, "# efs: never commit this folder (encrypted vault, locks)\n*\n", {
        mode: 0o644,
      });
    const release = await acquireLock(this.lockPath, { signal: undefined, ...this.#o.lock });
    try {
      removeOrphanTemps(this.path, pidAlive);
      const text = this.#readText();
      let projectId: string;
      let kdf: KdfRecord;
      let key: ResolvedKey;
      let draft: VaultDraft;
      let previous: Loaded | null = null;
      if (text === null) {
        projectId = randomUUID();
        const fresh = await keyForNew(projectId, this.#o.keys);
        kdf = fresh.kdf;
        key = fresh;
        draft = new VaultDraft(projectId, [], {}, key.keys, this.#now());
      } else {
        previous = await this.#load(text);
        projectId = previous.file.projectId;
        kdf = previous.file.kdf;
        key = previous.key;
        draft = new VaultDraft(
          projectId,
          previous.entries,
          previous.journal,
          key.keys,
          this.#now(),
        );
      }
      const result = await fn(draft);
      const origin = await this.#origin();
      if (origin && boundOrigin(draft.journal) !== origin)
        draft.setJournal(PROJECT_JOURNAL_KEY, { origin });
      if (draft.changed || previous === null) {
        const file = this.#serialize(projectId, kdf, key.keys, draft, previous);
        writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
      }
      this.#register(draft.stored());
      return result;
    } finally {
      release();
    }
  }

  #now(): string {
    return (this.#o.now?.() ?? new Date()).toISOString();
  }

  #readText(): string | null {
    try {
      return readFileSync(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new EfsError(`Cannot read the vault ${this.path}: ${(e as Error).message}`, {
        fix: `check the permissions of ${this.path} (it should be yours, mode 0600)`,
        code: "VAULT_UNREADABLE",
      });
    }
  }

  async #resolveKey(file: VaultFile): Promise<ResolvedKey> {
    const id = `${file.projectId}:${file.keyId}`;
    const cached = this.#keyCache.get(id);
    if (cached) return cached;
    const key = await keyForExisting(file, this.#o.keys);
    this.#keyCache.set(id, key);
    return key;
  }

  async #load(text: string): Promise<Loaded> {
    const file = parseVaultFile(text, this.path);
    const key = await this.#resolveKey(file);
    if (!macEqual(mac(key.keys, canonicalJson(macBody(file))), file.mac))
      throw this.#tampered("its integrity check (MAC) failed");
    const seen = new Set<string>();
    const entries: StoredEntry[] = file.entries.map((e) => {
      if (seen.has(e.name)) throw this.#tampered(`${e.name} appears twice`);
      seen.add(e.name);
      const value = open(key.keys, e, valueAad(file.projectId, e.name));
      if (value === null) throw this.#tampered(`the value of ${e.name} failed authentication`);
      const { nonce, ct, ...meta } = e;
      return { ...meta, pushes: { ...e.pushes }, value, sealed: { nonce, ct } };
    });
    let journal: Record<string, unknown> = {};
    if (file.journal) {
      const j = open(key.keys, file.journal, journalAad(file.projectId));
      if (j === null) throw this.#tampered("the journal failed authentication");
      journal = JSON.parse(j) as Record<string, unknown>;
    }
    const bound = boundOrigin(journal);
    const here = bound && !this.#o.rebind ? await this.#origin() : null;
    if (bound && here && bound !== here) {
      throw new EfsError(
        `The vault ${this.path} belongs to another project (${bound}); this checkout is ${here}. Nothing was read from it`,
        {
          fix: `restore this project's own vault (see docs/vault.md); if the repository itself moved to ${here}, run efs vault rebind --yes`,
          code: "VAULT_OTHER_PROJECT",
        },
      );
    }
    this.#register(entries);
    return { file, key, entries, journal };
  }

  // The project's origin, resolved once per Vault.
  #origin(): Promise<string | null> {
    this.#originMemo ??= this.#o.project?.() ?? Promise.resolve(null);
    return this.#originMemo;
  }

  #tampered(why: string): EfsError {
    return new EfsError(
      `The vault ${this.path} was modified outside efs: ${why}. Nothing was read from it`,
      {
        fix: `restore ${this.path} from your backup (see docs/vault.md); never edit it by hand`,
        code: "VAULT_TAMPERED",
      },
    );
  }

  #serialize(
    projectId: string,
    kdf: KdfRecord,
    keys: VaultKeys,
    draft: VaultDraft,
    previous: Loaded | null,
  ): VaultFile {
    const entries: EntryRecord[] = draft.stored().map((e) => {
      const sealed: Sealed = e.sealed ?? seal(keys, e.value, valueAad(projectId, e.name));
      return {
        name: e.name,
        source: e.source,
        createdAt: e.createdAt,
        updatedAt: e.updatedAt,
        pushes: e.pushes,
        nonce: sealed.nonce,
        ct: sealed.ct,
      };
    });
    const journalText = JSON.stringify(draft.journal);
    const oldJournal = previous?.file.journal ?? null;
    const journal: Sealed | null =
      journalText === "{}"
        ? null
        : oldJournal && !draft.journalChanged
          ? oldJournal
          : seal(keys, journalText, journalAad(projectId));
    const body = macBody({
      format: VAULT_FORMAT,
      version: VAULT_VERSION,
      projectId,
      kdf,
      keyId: keys.id,
      entries,
      journal,
    });
    return { ...body, mac: mac(keys, canonicalJson(body)) };
  }

  #register(entries: readonly StoredEntry[]): void {
    const r = this.#o.redactor;
    if (!r) return;
    for (const e of entries) if (catalogEntry(e.name)?.secret ?? true) r.add(e.value, e.name);
  }
}
