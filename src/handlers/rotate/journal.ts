// The rotation journal, kept encrypted in the vault: the old and new values and the steps
// done, so an interrupted `efs rotate` resumes where it stopped.
import type { VaultState } from "../../vault/state";
import type { Vault } from "../../vault/vault";
import type { OldToken, RetiredToken, RotationName } from "./kinds";

const ROTATE_KEY = "rotate";

/** One rotation in progress. */
export interface RotationRecord {
  kind: RotationName;
  startedAt: string;
  old: Record<string, string>;
  next: Record<string, string>;
  done: string[];
  // access-key: the token retire deletes, found at create before store replaces its id.
  oldToken?: OldToken;
  // What retire did (reported by --json, also when a resume finishes after it).
  retired?: RetiredToken;
}

// The rotation in progress, if any.
export function readRotation(state: VaultState): RotationRecord | undefined {
  return state.journal[ROTATE_KEY] as RotationRecord | undefined;
}

// Saves (or with undefined clears) the rotation record.
export function saveRotation(vault: Vault, rec: RotationRecord | undefined): Promise<void> {
  return vault.update((d) => d.setJournal(ROTATE_KEY, rec));
}
