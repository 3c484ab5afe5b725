// Resident memory of a process tree (Linux /proc): the browser's memory log during a render.
import { readdir, readFile } from "node:fs/promises";

// Sum of VmRSS over `root` and all its descendants, in bytes; null where /proc is unavailable.
export async function processTreeRss(root: number): Promise<number | null> {
  let names: string[];
  try {
    names = await readdir("/proc");
  } catch {
    return null;
  }
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => {
        const status = await readFile(`/proc/${n}/status`, "utf8").catch(() => "");
        const ppid = /^PPid:\s+(\d+)/m.exec(status);
        if (!ppid) return;
        const pid = Number(n);
        parent.set(pid, Number(ppid[1]));
        // Kernel threads and zombies have no VmRSS line.
        rss.set(pid, Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
      }),
  );
  if (!parent.has(root)) return null;
  const children = new Map<number, number[]>();
  for (const [pid, pp] of parent) children.set(pp, [...(children.get(pp) ?? []), pid]);
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export interface MemorySample {
  /** Seconds since sampling started. */
  sec: number;
  /** Frames the page had reported done at that moment. */
  framesDone: number;
  /** Resident memory of the browser and all its processes, MB (10^6 bytes). */
  rssMb: number;
}

export interface MemorySampler {
  /** The latest sample, if any. */
  last(): MemorySample | undefined;
  peakMb(): number | null;
  stop(): void;
}

// Samples a process tree every `everyMs` (timer unref'd) and hands each sample to `onSample`.
export function sampleProcessTree(
  pid: number,
  framesDone: () => number,
  onSample?: (s: MemorySample) => void,
  everyMs = 1000,
): MemorySampler {
  const t0 = performance.now();
  let latest: MemorySample | undefined;
  let peak: number | null = null;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const bytes = await processTreeRss(pid);
      if (bytes === null) return;
      const s = {
        sec: (performance.now() - t0) / 1000,
        framesDone: framesDone(),
        rssMb: Math.round(bytes / 1e5) / 10,
      };
      latest = s;
      peak = Math.max(peak ?? 0, s.rssMb);
      onSample?.(s);
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return {
    last: () => latest,
    peakMb: () => peak,
    stop: () => clearInterval(timer),
  };
}
