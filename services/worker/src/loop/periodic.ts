// A background task run every `intervalMs` (unref'd: it never keeps the process alive),
// never overlapping itself; errors are logged, not thrown.
export interface Periodic {
  stop(): Promise<void>;
}

// Starts `task` now and then every intervalMs until stop().
export function every(
  intervalMs: number,
  name: string,
  task: () => Promise<void>,
  log: (line: string) => void,
): Periodic {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  let busy = false;
  const tick = () => {
    if (busy || stopped) return;
    busy = true;
    current = task()
      .catch((e: unknown) => {
        log(`[Worker] ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
