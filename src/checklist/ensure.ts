// The adopt-or-create recipe every step uses, journaled: look up by name; when absent,
// write the intent, create, then record the id (with any values) in one vault write.
import type { StepContext } from "./context";

export interface EnsureSpec<T> {
  step: string;
  resource: string;
  find: () => Promise<T | undefined>;
  create: () => Promise<T>;
  id: (value: T) => string;
  // The name to record with the id (when the id is not the name).
  name?: (value: T) => string;
  values?: (value: T) => Record<string, string>;
  // Facts later runs need, kept in the journal with the id (ResourceRecord.meta).
  meta?: Record<string, string>;
}

// Returns the adopted or created resource; records it in the journal unless already there.
export async function ensure<T>(
  ctx: StepContext,
  spec: EnsureSpec<T>,
): Promise<{ value: T; created: boolean }> {
  const found = await spec.find();
  if (found !== undefined) {
    const rec = (await ctx.journalState())[spec.step]?.resources[spec.resource];
    const name = spec.name?.(found);
    if (rec?.id !== spec.id(found) || rec?.name !== name || spec.values || spec.meta) {
      await ctx.journal.record(spec.step, spec.resource, spec.id(found), spec.values?.(found), {
        name,
        meta: spec.meta,
      });
    }
    ctx.say(`adopted ${spec.resource} ${spec.id(found)}`);
    return { value: found, created: false };
  }
  await ctx.journal.intent(spec.step, spec.resource);
  const made = await spec.create();
  await ctx.journal.record(spec.step, spec.resource, spec.id(made), spec.values?.(made), {
    name: spec.name?.(made),
    meta: spec.meta,
  });
  ctx.say(`created ${spec.resource} ${spec.id(made)}`);
  return { value: made, created: true };
}
