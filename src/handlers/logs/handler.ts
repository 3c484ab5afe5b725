// `efs logs [service] [-f]`: prints (and follows) the log files `efs up` writes.
import { existsSync, readdirSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { usageError } from "../../errors";
import { logFile, upPaths } from "../../local/paths";
import { tailFile } from "../../local/tail";
import type { CommandResult, Runtime } from "../../runtime";

/** Parsed `efs logs` flags. */
export interface LogsArgs {
  readonly service?: string;
  readonly dataDir?: string;
  readonly follow: boolean;
  readonly lines: number;
}

// Prints the last lines of one service's log (or of all), then follows them with -f.
export async function logs(rt: Runtime, args: LogsArgs): Promise<CommandResult> {
  const paths = upPaths(rt.cwd, args.dataDir);
  const available = existsSync(paths.logsDir)
    ? readdirSync(paths.logsDir)
        .filter((f) => f.endsWith(".log"))
        .map((f) => f.slice(0, -4))
        .sort()
    : [];
  if (available.length === 0) {
    throw usageError(
      `no logs in ${paths.logsDir}`,
      "start the studio first: efs up (or pass --data-dir)",
    );
  }
  const names = args.service ? [args.service] : available;
  for (const n of names) {
    if (!available.includes(n)) {
      throw usageError(
        `no log for "${n}" in ${paths.logsDir}`,
        `pass one of: ${available.join(", ")}`,
      );
    }
  }
  const prefix = names.length > 1;
  const width = Math.max(...names.map((n) => n.length));
  const emit = (name: string, line: string) =>
    rt.out.print(prefix ? `${name.padEnd(width)} | ${line}` : line);
  for (const n of names) {
    const text = tailFile(logFile(paths, n), args.lines);
    for (const line of text ? text.split("\n") : []) emit(n, line);
  }
  if (!args.follow) return { data: { services: names, logsDir: paths.logsDir } };

  const offsets = new Map(names.map((n) => [n, sizeOf(logFile(paths, n))]));
  const partial = new Map<string, string>();
  while (!rt.signal.aborted) {
    for (const n of names) {
      const file = logFile(paths, n);
      const size = sizeOf(file);
      let from = offsets.get(n) ?? 0;
      if (size < from) from = 0; // truncated or recreated
      if (size > from) {
        const fh = await open(file, "r");
        const buf = Buffer.alloc(size - from);
        await fh.read(buf, 0, buf.length, from);
        await fh.close();
        const text = (partial.get(n) ?? "") + buf.toString("utf8");
        const lines = text.split("\n");
        partial.set(n, lines.pop() ?? "");
        for (const line of lines) emit(n, line);
      }
      offsets.set(n, size);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { data: { services: names, logsDir: paths.logsDir } };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
