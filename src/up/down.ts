// `efs down`: stops a studio started with `efs up` (detached or in another terminal): SIGTERM
// to the supervisor and every service group, SIGKILL to what is left after the grace period.
import type { CommandResult, Runtime } from "../runtime";
import { upPaths } from "./paths";
import { groupAlive, pidAlive, readState, removeState, signalGroup } from "./state";

/** Parsed `efs down` flags. */
export interface DownArgs {
  readonly dataDir?: string;
  readonly timeoutSec: number;
}

// Stops the studio recorded in the data dir's state file; a no-op when none runs.
export async function down(rt: Runtime, args: DownArgs): Promise<CommandResult> {
  const paths = upPaths(rt.cwd, args.dataDir);
  const state = readState(paths.stateFile);
  if (!state) {
    rt.out.print(`efs up is not running for ${paths.dataDir} (no state file)`);
    return { data: { running: false, stopped: [] } };
  }
  const pids = [state.supervisorPid, ...state.services.map((s) => s.pid)].filter(
    (p): p is number => typeof p === "number" && p > 0,
  );
  if (pidAlive(state.supervisorPid)) process.kill(state.supervisorPid, "SIGTERM");
  for (const s of state.services) signalGroup(s.pid, "SIGTERM");
  const deadline = Date.now() + args.timeoutSec * 1000;
  const alive = () => pids.filter((p) => groupAlive(p) || pidAlive(p));
  while (alive().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const forced = alive();
  for (const p of forced) signalGroup(p, "SIGKILL");
  const killDeadline = Date.now() + 5000;
  while (alive().length > 0 && Date.now() < killDeadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  removeState(paths.stateFile);
  const left = alive();
  if (left.length > 0) rt.out.warn(`processes still running after SIGKILL: ${left.join(", ")}`);
  rt.out.print(
    `Stopped the studio at ${state.url} (${state.services.map((s) => s.name).join(", ")})${forced.length ? `; ${forced.length} needed SIGKILL` : ""}`,
  );
  return {
    data: {
      running: true,
      url: state.url,
      stopped: state.services.map((s) => s.name),
      pids,
      forced,
      left,
    },
  };
}
