// `efs down`: stops a studio started with `efs up` (detached or in another terminal): SIGTERM
// to the supervisor and every service group, SIGKILL to what is left after the grace period,
// then removes the studio's scratch folder. A recorded pid is signalled only while it is still
// the process efs started (start time and executable match, see proc-identity.ts).
import { rmSync } from "node:fs";
import { groupAlive } from "@efs/core/proc/group";
import { upPaths } from "../../local/paths";
import { isSameProcess } from "../../local/proc-identity";
import { ownedGroup, readState, removeState, signalOwnedGroup } from "../../local/state";
import type { CommandResult, Runtime } from "../../runtime";

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
  const supervisor = { pid: state.supervisorPid, identity: state.supervisorIdentity };
  const supervisorOurs = isSameProcess(supervisor.pid, supervisor.identity);
  const strangers: string[] = [];
  if (!supervisorOurs && ownedGroup(supervisor.pid, supervisor.identity) === "stranger") {
    strangers.push(`supervisor (pid ${supervisor.pid})`);
  }
  const groups = state.services.filter((s) => {
    const owned = ownedGroup(s.pid, s.identity);
    if (owned === "stranger") strangers.push(`${s.name} (pid ${s.pid})`);
    return owned === "ours" || owned === "leftovers";
  });
  const pids = [...(supervisorOurs ? [supervisor.pid] : []), ...groups.map((s) => s.pid as number)];

  if (supervisorOurs) process.kill(supervisor.pid, "SIGTERM");
  for (const s of groups) signalOwnedGroup(s.pid, s.identity, "SIGTERM");
  const alive = () => [
    ...(supervisorOurs && isSameProcess(supervisor.pid, supervisor.identity)
      ? [supervisor.pid]
      : []),
    ...groups.filter((s) => groupAlive(s.pid)).map((s) => s.pid as number),
  ];
  const deadline = Date.now() + args.timeoutSec * 1000;
  while (alive().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const forced = alive();
  if (supervisorOurs && isSameProcess(supervisor.pid, supervisor.identity)) {
    process.kill(supervisor.pid, "SIGKILL");
  }
  for (const s of groups) signalOwnedGroup(s.pid, s.identity, "SIGKILL");
  const killDeadline = Date.now() + 5000;
  while (alive().length > 0 && Date.now() < killDeadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  removeState(paths.stateFile);
  const left = alive();
  if (left.length > 0) rt.out.warn(`processes still running after SIGKILL: ${left.join(", ")}`);
  // Scratch of the workers and the renderer (Chromium profiles, partial files): nothing of the
  // studio runs any more, so none of it is in use.
  if (left.length === 0) rmSync(paths.tmpDir, { recursive: true, force: true });
  if (strangers.length > 0) {
    rt.out.warn(
      `left alone: ${strangers.join(", ")} — the recorded pid now belongs to another program (the studio's process exited earlier)`,
    );
  }
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
      strangers,
    },
  };
}
