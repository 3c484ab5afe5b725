// `efs up`: the whole studio on one machine. Checks prerequisites, builds what is missing,
// then runs the stack in the foreground, or (`--detach`) hands it to a background supervisor
// (this same command with the hidden `--supervise`) and returns once it is ready.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { signalGroup } from "@efs/core/proc/group";
import { EfsError, usageError } from "../../errors";
import { logFile, upPaths } from "../../local/paths";
import { isSameProcess } from "../../local/proc-identity";
import {
  pidAlive,
  readState,
  removeState,
  signalOwnedGroup,
  type UpState,
} from "../../local/state";
import { tailFile } from "../../local/tail";
import type { CommandResult, Runtime } from "../../runtime";
import { buildWeb, webBuildReason } from "./build";
import { freePort, portInUse } from "./port";
import { ensurePrerequisites } from "./prereqs";
import { repoRoot } from "./repo";
import { runStack } from "./run-stack";
import { loadOrCreateSecrets } from "./secrets";
import type { S3Settings, StackSettings } from "./services";

/** Parsed `efs up` flags. */
export interface UpArgs {
  readonly port: number;
  readonly dataDir?: string;
  readonly workers: number;
  readonly detach: boolean;
  readonly clean: boolean;
  readonly supervise: boolean;
  readonly build: boolean;
  readonly readyTimeoutSec: number;
  readonly s3?: {
    endpoint: string;
    bucket?: string;
    accessKeyId?: string;
    secretAccessKey?: string;
  };
}

// Starts the studio (see the file comment).
export async function up(rt: Runtime, args: UpArgs): Promise<CommandResult> {
  const paths = upPaths(rt.cwd, args.dataDir);
  const root = repoRoot();
  const s3 = args.s3 ? s3Settings(rt, args.s3) : null;

  if (!args.supervise) {
    refuseIfRunning(paths.stateFile, paths.dataDir);
    if (args.clean) await clean(rt, paths.dataDir);
    await ensurePrerequisites(rt);
    if (await portInUse(args.port)) {
      throw new EfsError(`port ${args.port} is already in use by another program`, {
        fix: `stop it, or pass --port <free port> (e.g. --port ${args.port + 1})`,
        code: "PORT_IN_USE",
      });
    }
    if (args.build) await ensureBuilt(rt, root);
  }
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  const secrets = loadOrCreateSecrets(paths.secretsFile);
  for (const [name, value] of Object.entries(secrets)) rt.redactor.add(value, name);
  if (s3) rt.redactor.add(s3.secretAccessKey, "S3_SECRET_ACCESS_KEY");

  if (args.detach && !args.supervise) return detach(rt, args, paths, root, s3);

  const settings: StackSettings = {
    root,
    dataDir: paths.dataDir,
    port: args.port,
    rendererPort: await freePort(),
    workers: args.workers,
    secrets,
    s3,
    baseEnv: rt.env,
  };
  const state = await runStack(rt, {
    paths,
    settings,
    foreground: !args.supervise,
    readyTimeoutMs: args.readyTimeoutSec * 1000,
  });
  return { data: summary(state, paths.logsDir) };
}

function summary(state: UpState, logsDir: string) {
  return {
    url: state.url,
    port: state.port,
    dataDir: state.dataDir,
    logsDir,
    storage: state.storage,
    supervisorPid: state.supervisorPid,
    services: state.services.map(({ name, pid, ready, restarts }) => ({
      name,
      pid,
      ready,
      restarts,
    })),
    readySeconds: state.readyAt ? (state.readyAt - state.startedAt) / 1000 : null,
  };
}

// A live supervisor means a studio already runs on this data dir; a dead one (or a pid that now
// belongs to another program) left a stale state file whose process groups are cleaned up here.
function refuseIfRunning(stateFile: string, dataDir: string): void {
  const state = readState(stateFile);
  if (!state) return;
  if (isSameProcess(state.supervisorPid, state.supervisorIdentity)) {
    throw new EfsError(
      `efs up is already running for ${dataDir} (pid ${state.supervisorPid}, ${state.url})`,
      {
        fix: "open it in your browser, follow it with efs logs -f, or stop it with efs down",
        code: "ALREADY_RUNNING",
      },
    );
  }
  // Only what is still ours: a recorded pid may belong to another program by now.
  for (const s of state.services) signalOwnedGroup(s.pid, s.identity, "SIGKILL");
  removeState(stateFile);
}

async function clean(rt: Runtime, dataDir: string): Promise<void> {
  if (!existsSync(dataDir)) return;
  const ok = await rt.prompter.confirm({
    message: `Delete ${dataDir} (every job, upload, render and the local secrets)?`,
    flag: "--yes",
  });
  if (!ok)
    throw new EfsError("nothing deleted: --clean was declined", { exitCode: 2, code: "DECLINED" });
  rmSync(dataDir, { recursive: true, force: true });
  rt.out.success(`deleted ${dataDir}`);
}

async function ensureBuilt(rt: Runtime, root: string): Promise<void> {
  const reason = webBuildReason(root);
  if (!reason) return;
  const spin = rt.prompter.spinner();
  spin.start(`Building the web app (next build: ${reason}); a few minutes on a small machine`);
  try {
    await buildWeb(root, rt.env, (line) => rt.out.debug(`next build: ${line}`), rt.signal);
  } catch (e) {
    spin.stop("next build failed");
    throw new EfsError((e as Error).message, {
      fix: "fix the error above, or build by hand: npm run build -w @efs/web",
      code: "BUILD_FAILED",
    });
  }
  spin.stop("Built the web app");
}

function s3Settings(rt: Runtime, o: NonNullable<UpArgs["s3"]>): S3Settings {
  const accessKeyId = o.accessKeyId ?? rt.env.S3_ACCESS_KEY_ID;
  const secretAccessKey = o.secretAccessKey ?? rt.env.S3_SECRET_ACCESS_KEY;
  if (!/^https?:\/\//.test(o.endpoint)) {
    throw usageError(
      `--s3 must be an http(s) URL (got "${o.endpoint}")`,
      "pass --s3 http://127.0.0.1:8333",
    );
  }
  if (!accessKeyId || !secretAccessKey) {
    throw usageError(
      "--s3 needs credentials",
      "set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or pass --s3-access-key-id/--s3-secret-access-key)",
    );
  }
  return { endpoint: o.endpoint, bucket: o.bucket ?? "efs-local", accessKeyId, secretAccessKey };
}

// Starts the supervisor in the background and waits for it to report ready (or fail).
async function detach(
  rt: Runtime,
  args: UpArgs,
  paths: ReturnType<typeof upPaths>,
  root: string,
  s3: S3Settings | null,
): Promise<CommandResult> {
  const argv = [
    join(root, "bin/efs.js"),
    "up",
    "--supervise",
    "--no-build",
    "--cwd",
    rt.cwd,
    "--data-dir",
    paths.dataDir,
    "--port",
    String(args.port),
    "--workers",
    String(args.workers),
    "--ready-timeout",
    String(args.readyTimeoutSec),
    "--no-color",
  ];
  if (s3) argv.push("--s3", s3.endpoint, "--bucket", s3.bucket);
  const out = openSync(logFile(paths, "up"), "a", 0o600);
  const env: NodeJS.ProcessEnv = { ...rt.env, CI: "1" };
  if (s3)
    Object.assign(env, {
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
  const child = spawn(process.execPath, argv, {
    cwd: rt.cwd,
    env,
    stdio: ["ignore", out, out],
    detached: true,
  });
  child.unref();
  const pid = child.pid ?? 0;
  const spin = rt.prompter.spinner();
  spin.start("Starting the studio in the background");
  const deadline = Date.now() + (args.readyTimeoutSec + 60) * 1000;
  let shown = "";
  for (;;) {
    const state = readState(paths.stateFile);
    if (state && state.supervisorPid === pid) {
      const waiting = state.services.filter((s) => !s.ready).map((s) => s.name);
      const msg = waiting.length ? `Starting the studio: waiting for ${waiting.join(", ")}` : "";
      if (msg && msg !== shown) spin.message(msg);
      shown = msg;
      if (state.readyAt) {
        spin.stop(`Studio ready in ${((state.readyAt - state.startedAt) / 1000).toFixed(1)} s`);
        printDetached(rt, state, paths.logsDir);
        return { data: summary(state, paths.logsDir) };
      }
      if (state.error) break;
    }
    if (!pidAlive(pid) || Date.now() > deadline || rt.signal.aborted) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  spin.stop("The studio did not start");
  if (pidAlive(pid)) signalGroup(pid, "SIGTERM");
  throw new EfsError(`efs up --detach failed:\n${tailFile(logFile(paths, "up"), 30)}`, {
    fix: `read the logs in ${paths.logsDir} (efs logs)`,
    code: "NOT_READY",
  });
}

function printDetached(rt: Runtime, state: UpState, logsDir: string): void {
  const c = rt.out.color;
  rt.out.print(`Ethereal Flame Studio is up: ${state.url}`);
  rt.out.info(`  access: open (local, no STUDIO_ACCESS_KEY; listening on 127.0.0.1 only)`);
  rt.out.info(`  supervisor pid ${state.supervisorPid}; logs in ${logsDir}`);
  rt.out.info(`  ${c.bold("efs logs [service] -f")} follows logs; ${c.bold("efs down")} stops it`);
}
