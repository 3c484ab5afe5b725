// `efs status`: one screen of a running stack; --watch refreshes it in place, --json prints
// the snapshot (one document; with --watch one per refresh, a line each). Exit 1 when unhealthy.

import { HEARTBEAT_MAX_AGE_MS } from "../../checks/render";
import { interrupted, usageError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { JSON_VERSION } from "../../ui/output";
import { projectVault } from "../../vault/open";
import { assess } from "./assess";
import { collectLocal } from "./local";
import { collectProduction } from "./production";
import type { EnvStatus, StatusSnapshot, StatusTarget } from "./types";
import { renderStatus } from "./view";

/** Parsed `efs status` flags. */
export interface StatusArgs {
  readonly target: StatusTarget;
  readonly url?: string;
  readonly dataDir?: string;
  readonly watch: boolean;
  readonly intervalSec: number;
}

/** How often a watch re-reads the env drift (it calls every provider). */
const DRIFT_EVERY_MS = 60_000;
// Cursor home + clear screen, for refreshing in place on a terminal.
const CLEAR = "\x1b[H\x1b[2J";

// Runs `efs status`.
export async function status(rt: Runtime, args: StatusArgs): Promise<CommandResult> {
  if (args.url !== undefined && !/^https?:\/\/[^/\s]+/.test(args.url))
    throw usageError(
      `--url must be an http(s) URL (got "${args.url}")`,
      "pass --url https://your-app.vercel.app",
    );
  if (args.dataDir !== undefined && args.target === "production")
    throw usageError(
      "--data-dir is for --target local",
      "drop --data-dir (production reads the vault)",
    );
  const maxAgeMs = Number(rt.env.EFS_HEARTBEAT_MAX_AGE_MS) || HEARTBEAT_MAX_AGE_MS;
  const vault = args.target === "production" ? projectVault(rt) : null;
  let drift: { at: number; env: EnvStatus | null } | null = null;

  const snapshot = async (): Promise<{ snap: StatusSnapshot; where: string }> => {
    const at = new Date();
    if (args.target === "local") {
      const l = await collectLocal(rt, { url: args.url, dataDir: args.dataDir, maxAgeMs });
      const parts = {
        target: args.target,
        app: l.app,
        jobs: l.jobs,
        workers: l.workers,
        storage: l.storage,
        processes: l.processes,
      };
      // Without efs up (and no --url) the rest is history: one problem says why.
      const problems =
        l.running || args.url
          ? assess(parts)
          : [
              {
                what: `efs up is not running for ${l.dataDir} (no state file)`,
                fix: "efs up (or pass --data-dir / --url for another studio)",
              },
            ];
      return {
        snap: finish({ ...parts, env: null, at: at.toISOString(), problems }),
        where: l.dataDir,
      };
    }
    const fresh = !drift || at.getTime() - drift.at >= DRIFT_EVERY_MS;
    const p = await collectProduction(rt, vault!, { url: args.url, maxAgeMs, drift: fresh });
    if (fresh) drift = { at: at.getTime(), env: p.env };
    const parts = {
      target: args.target,
      app: p.app,
      jobs: p.jobs,
      workers: p.workers,
      storage: p.storage,
      processes: null,
    };
    return {
      snap: finish({
        ...parts,
        env: drift?.env ?? null,
        at: at.toISOString(),
        problems: assess(parts),
      }),
      where: "from the vault",
    };
  };

  if (!args.watch) {
    const { snap, where } = await snapshot();
    rt.out.print(renderStatus(snap, rt.out.color, where));
    return { data: snap, exitCode: snap.healthy ? 0 : 1 };
  }
  const inPlace = !rt.globals.json && process.stdout.isTTY === true;
  for (;;) {
    const { snap, where } = await snapshot();
    if (rt.globals.json) {
      rt.out.envelope({
        version: JSON_VERSION,
        command: rt.command,
        ok: true,
        exitCode: snap.healthy ? 0 : 1,
        data: snap,
      });
    } else {
      const text = renderStatus(snap, rt.out.color, where);
      const footer = `refreshing every ${args.intervalSec}s; Ctrl-C to stop`;
      rt.out.print(inPlace ? `${CLEAR}${text}\n${footer}` : `${text}\n`);
    }
    await sleep(args.intervalSec * 1000, rt.signal);
  }
}

function finish(s: Omit<StatusSnapshot, "healthy">): StatusSnapshot {
  return { ...s, healthy: s.problems.length === 0 };
}

// Waits `ms`, or throws the interrupt when the command is cancelled (Ctrl-C).
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(interrupted("Stopped"));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted("Stopped"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
