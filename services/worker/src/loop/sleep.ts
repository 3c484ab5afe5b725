// A sleep that a `wake()` call ends early (stop requested, a job slot freed).
export interface Waker {
  sleep(ms: number, opts?: { unref?: boolean }): Promise<void>;
  wake(): void;
}

// Creates a waker; every pending sleep resolves on wake().
export function createWaker(): Waker {
  const waiting = new Set<() => void>();
  return {
    sleep(ms, opts) {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        if (opts?.unref) timer.unref();
        waiting.add(done);
      });
    },
    wake() {
      for (const done of [...waiting]) done();
    },
  };
}
