// Objects and bytes per top-level prefix, counted by streaming the listing (constant memory,
// whatever the bucket holds). Used by `efs status` and `efs destroy`'s plan.
import { ALLOWED_PREFIXES } from "./keys";
import type { Storage } from "./types";

export interface PrefixUsage {
  prefix: string;
  objects: number;
  bytes: number;
}

// Usage of each prefix in `prefixes` (default: every prefix keys may start with).
export async function storageUsage(
  storage: Pick<Storage, "list">,
  prefixes: readonly string[] = ALLOWED_PREFIXES,
  signal?: AbortSignal,
): Promise<PrefixUsage[]> {
  const out: PrefixUsage[] = [];
  for (const prefix of prefixes) {
    let objects = 0;
    let bytes = 0;
    for await (const o of storage.list(prefix)) {
      signal?.throwIfAborted();
      objects++;
      bytes += o.size;
    }
    out.push({ prefix, objects, bytes });
  }
  return out;
}
