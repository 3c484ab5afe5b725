// The destroy journal (key "destroy" in the vault, kept like init's): intent before each
// delete, the record after, the section's completion — and with it, in the same vault write,
// the values that named deleted resources, init's record of the section (so efs init builds
// it again) and a history entry under "destroyed".
import { type Journal, pendingIntent, readJournal } from "../../checklist/journal";
import type { Vault } from "../../vault/vault";
import type { DestroyContext } from "./context";
import type { DestroySection, ResourcePlan } from "./types";

export const DESTROY_KEY = "destroy";
const HISTORY_KEY = "destroyed";

/** One destroyed (or found gone) resource, as the vault remembers it. */
export interface HistoryEntry {
  section: string;
  what: string;
  id: string;
  at: string;
}

// Opens the section: a section a previous destroy finished starts over (init rebuilt it).
export function startSection(journal: Journal, section: string): Promise<void> {
  return journal.write(section, `${section}:mark:started`, (rec) => {
    if (rec.status === "done") rec.resources = {};
    rec.status = "started";
    rec.at = new Date().toISOString();
  });
}

// Deletes one resource unless the journal says it already did; "skipped" in that case.
export async function removeOnce(
  vault: Vault,
  journal: Journal,
  ctx: DestroyContext,
  s: DestroySection,
  item: ResourcePlan,
): Promise<"deleted" | "gone" | "skipped"> {
  const rec = readJournal(await vault.read(), DESTROY_KEY)[s.name]?.resources[item.key];
  if (rec?.doneAt && !pendingIntent(rec)) return "skipped";
  await journal.intent(s.name, item.key);
  const outcome = await s.remove(ctx, item);
  await journal.record(s.name, item.key, item.id);
  return outcome;
}

// Closes the section in one vault write (see the file comment).
export function finishSection(
  journal: Journal,
  ctx: DestroyContext,
  s: DestroySection,
  items: readonly ResourcePlan[],
): Promise<void> {
  return journal.write(s.name, `${s.name}:mark:done`, (rec, draft) => {
    const at = new Date().toISOString();
    rec.status = "done";
    rec.at = at;
    s.forget(draft, items, ctx);
    const { [s.name]: _gone, ...init } = readJournal(draft);
    draft.setJournal("init", init);
    // Everything this section set out to delete, across resumed runs (a resource deleted just
    // before a crash shows as "gone" afterwards, but its intent is in the journal).
    const history = (draft.journal[HISTORY_KEY] as HistoryEntry[] | undefined) ?? [];
    const whatOf = new Map(items.map((i) => [i.key, i]));
    const entries = Object.entries(rec.resources)
      .filter(([, r]) => r.intentAt !== undefined)
      .map(([key, r]) => ({
        section: s.name,
        what: whatOf.get(key)?.what ?? key,
        id: r.id ?? whatOf.get(key)?.id ?? "",
        at,
      }));
    draft.setJournal(HISTORY_KEY, [...history, ...entries]);
  });
}
