// Synchronous clean-up actions (release a lock, delete a temp file) that must run even when
// the process is interrupted (SIGINT/SIGTERM) or exits early.
const actions = new Set<() => void>();

// Registers `fn` to run on interrupt or exit; returns a function that unregisters it.
export function onCleanup(fn: () => void): () => void {
  actions.add(fn);
  return () => {
    actions.delete(fn);
  };
}

// Runs (once) and clears every registered action; errors are swallowed, best effort.
export function runCleanups(): void {
  for (const fn of [...actions].reverse()) {
    actions.delete(fn);
    try {
      fn();
    } catch {
      // best effort: an exit path must not throw
    }
  }
}
