// `efs smoke`: the end-to-end check of a running studio (local `efs up` or production), as
// a table of stages with timings; the first failing stage decides the exit code.
import { EfsError, interruption, usageError } from "../../errors";
import { upPaths } from "../../local/paths";
import { readState } from "../../local/state";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";
import { runSmoke, type SmokeReport } from "./run";
import { STAGE_INFO, type Target } from "./stages";

/** Parsed `efs smoke` flags. */
export interface SmokeArgs {
  readonly target: Target;
  readonly url?: string;
  readonly dataDir?: string;
  readonly render: boolean;
  readonly keep: boolean;
  readonly renderSeconds: number;
  readonly timeoutSec: number;
}

// Runs the smoke test and prints the stage table; exit code per failing stage.
export async function smoke(rt: Runtime, args: SmokeArgs): Promise<CommandResult> {
  const url = await resolveUrl(rt, args);
  const accessKey = await resolveAccessKey(rt, args.target);
  if (accessKey) rt.redactor.add(accessKey, "STUDIO_ACCESS_KEY");
  rt.out.info(`Smoke test of ${url} (${args.target}${args.render ? "" : ", no render"})`);
  const report = await runSmoke({
    url,
    accessKey,
    render: args.render,
    keep: args.keep,
    audioSeconds: 4,
    renderSeconds: args.renderSeconds,
    ingestTimeoutMs: args.timeoutSec * 1000,
    renderTimeoutMs: args.timeoutSec * 1000,
    signal: rt.signal,
    onStage: (id) => rt.out.info(`… ${STAGE_INFO[id].title}`),
  });
  if (rt.signal.aborted) throw stoppedSmoke(rt.signal, report);
  printReport(rt, report, args.target);
  const failed = report.failedStage;
  return {
    data: {
      ...report,
      target: args.target,
      failure: failed
        ? {
            stage: failed,
            exitCode: STAGE_INFO[failed].exitCode,
            cause: STAGE_INFO[failed].cause[args.target],
            verify: STAGE_INFO[failed].verify,
          }
        : null,
    },
    exitCode: failed ? STAGE_INFO[failed].exitCode : 0,
  };
}

// The message after Ctrl-C / SIGTERM: stages passed, the one cut short, those not run, and
// the test jobs cleanup could not remove in time (it runs after the signal too).
function stoppedSmoke(signal: AbortSignal, r: SmokeReport): EfsError {
  const passed = r.stages.filter((s) => s.status === "pass" && s.id !== "cleanup").map((s) => s.id);
  const cut = r.stages.find((s) => s.status === "fail")?.id;
  const notRun = r.stages.filter((s) => s.status === "skip").map((s) => s.id);
  const left = r.left;
  return interruption(
    signal,
    [
      `passed ${passed.join(", ") || "no stage"}`,
      cut ? `stopped during ${cut}` : undefined,
      notRun.length ? `not run: ${notRun.join(", ")}` : undefined,
      left.length ? `test jobs left in the studio: ${left.join(", ")}` : undefined,
    ]
      .filter(Boolean)
      .join("; "),
    left.length
      ? "delete the test jobs in the studio's library, or run efs smoke again (it cleans up after itself)"
      : undefined,
  );
}

function printReport(rt: Runtime, r: SmokeReport, target: Target): void {
  const c = rt.out.color;
  const mark = { pass: c.green("PASS"), fail: c.red("FAIL"), skip: c.gray("skip") } as const;
  rt.out.table(
    ["stage", "result", "time", "detail"],
    r.stages.map((s) => [
      s.id,
      mark[s.status],
      s.status === "skip" ? "" : `${s.seconds.toFixed(1)} s`,
      s.detail,
    ]),
  );
  rt.out.print(`total ${r.totalSeconds.toFixed(1)} s`);
  if (r.failedStage) {
    const info = STAGE_INFO[r.failedStage];
    rt.out.print(`${c.red("✖")} ${r.failedStage} failed (exit ${info.exitCode})`);
    rt.out.print(`  likely cause: ${info.cause[target]}`);
    rt.out.print(`  next: ${info.verify}`);
  } else {
    rt.out.print(`${c.green("✔")} every stage passed`);
  }
}

async function resolveUrl(rt: Runtime, args: SmokeArgs): Promise<string> {
  let url = args.url;
  if (!url && args.target === "local") {
    const state = readState(upPaths(rt.cwd, args.dataDir).stateFile);
    url = state?.url ?? "http://localhost:3000";
  }
  if (!url && args.target === "production") {
    const vault = projectVault(rt);
    url = vault.exists() ? (await vault.read()).get("NEXT_PUBLIC_APP_URL") : undefined;
    if (!url) {
      throw usageError(
        "no production URL: NEXT_PUBLIC_APP_URL is not in the vault",
        "pass --url https://your-app.vercel.app (or run efs init --only vercel)",
      );
    }
  }
  try {
    const u = new URL(url!);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("protocol");
    return u.origin;
  } catch {
    throw usageError(
      `--url must be an http(s) URL (got "${url}")`,
      "pass --url https://your-app.vercel.app",
    );
  }
}

// Production: the vault's STUDIO_ACCESS_KEY (env STUDIO_ACCESS_KEY when there is no vault entry).
async function resolveAccessKey(rt: Runtime, target: Target): Promise<string | null> {
  if (target === "local") return rt.env.STUDIO_ACCESS_KEY ?? null;
  const vault = projectVault(rt);
  const fromVault = vault.exists() ? (await vault.read()).get("STUDIO_ACCESS_KEY") : undefined;
  const key = fromVault ?? rt.env.STUDIO_ACCESS_KEY;
  if (!key) {
    throw new EfsError("no STUDIO_ACCESS_KEY for the production smoke test", {
      fix: "run efs env set STUDIO_ACCESS_KEY (or set STUDIO_ACCESS_KEY in the environment)",
      code: "NO_ACCESS_KEY",
      exitCode: STAGE_INFO.session.exitCode,
    });
  }
  return key;
}
