// Runs a local studio in this process: starts every service under the Supervisor, records the
// state file, waits for readiness, then (foreground) streams prefixed logs until the command
// is cancelled (Ctrl-C / SIGTERM from `efs down`) and stops everything.
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { EfsError } from "../../errors";
import { logFile, type UpPaths } from "../../local/paths";
import { processIdentity } from "../../local/proc-identity";
import { removeState, type ServiceState, type UpState, writeState } from "../../local/state";
import { tailFile } from "../../local/tail";
import type { Runtime } from "../../runtime";
import { rendererReady, webReady, workersSeen } from "./ready";
import {
  type ServiceSpec,
  type StackSettings,
  serviceSpecs,
  studioUrl,
  workerId,
} from "./services";
import { Supervisor } from "./supervisor";

export interface RunStackOptions {
  readonly paths: UpPaths;
  readonly settings: StackSettings;
  // true: logs on stdout after readiness; false (detached supervisor): log files only.
  readonly foreground: boolean;
  readonly readyTimeoutMs: number;
}

const COLORS = ["cyan", "magenta", "yellow", "green", "blue"] as const;

// Starts the stack and resolves once it has been stopped again.
export async function runStack(rt: Runtime, o: RunStackOptions): Promise<UpState> {
  const { paths, settings } = o;
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  const upLog = createWriteStream(logFile(paths, "up"), { flags: "a", mode: 0o600 });
  const note = (text: string) => {
    upLog.write(`${new Date().toISOString()} [up] ${rt.redactor.redact(text)}\n`);
    if (o.foreground) rt.out.info(`${rt.out.color.bold("[up]")} ${text}`);
  };
  const specs = serviceSpecs(settings);
  const colorOf = new Map<string, (s: string) => string>(
    specs.map((s: ServiceSpec, i) => [s.name, rt.out.color[COLORS[i % COLORS.length]!]]),
  );
  const width = Math.max(...specs.map((s) => s.name.length));
  let streaming = false;
  const ready = new Set<string>();
  const startedAt = Date.now();
  const url = studioUrl(settings.port);
  let readyAt: number | null = null;
  let error: string | null = null;

  const sup = new Supervisor(
    {
      line: (name, line) => {
        if (streaming && o.foreground) {
          const c = colorOf.get(name) ?? ((s: string) => s);
          rt.out.print(`${c(name.padEnd(width))} | ${line}`);
        }
      },
      crashed: (name, how, delay, n) => {
        note(`${name} ${how}; restarting in ${(delay / 1000).toFixed(1)} s (restart #${n})`);
        save();
      },
      started: () => save(),
    },
    (name) => logFile(paths, name),
  );
  const onExit = () => sup.killAll();
  process.once("exit", onExit);

  const supervisorIdentity = processIdentity(process.pid);
  // What .efs/up.json holds while the stack runs (and what the foreground run returns).
  const stateNow = (services: ServiceState[]): UpState => ({
    version: 1,
    supervisorPid: process.pid,
    supervisorIdentity,
    detached: !o.foreground,
    url,
    port: settings.port,
    rendererPort: settings.rendererPort,
    dataDir: paths.dataDir,
    storage: settings.s3 ? `s3 ${settings.s3.endpoint} bucket ${settings.s3.bucket}` : "local",
    startedAt,
    readyAt,
    error,
    services,
  });
  const save = () => {
    const pids = sup.pids();
    const identities = sup.identities();
    writeState(
      paths.stateFile,
      stateNow(
        specs.map((s) => ({
          name: s.name,
          pid: pids[s.name] ?? null,
          identity: identities[s.name] ?? null,
          ready: ready.has(s.name),
          restarts: sup.restarts(s.name),
        })),
      ),
    );
  };

  save();
  for (const spec of specs) sup.start(spec);
  note(`starting ${specs.map((s) => s.name).join(", ")} (data ${paths.dataDir})`);

  try {
    await waitReady();
  } catch (e) {
    error = (e as Error).message;
    save();
    await sup.stop();
    rmSync(paths.tmpDir, { recursive: true, force: true });
    process.off("exit", onExit);
    upLog.end();
    throw e;
  }
  readyAt = Date.now();
  save();
  note(`ready in ${((readyAt - startedAt) / 1000).toFixed(1)} s: ${url}`);
  if (o.foreground) printBanner();
  streaming = true;

  await new Promise<void>((resolve) => {
    if (rt.signal.aborted) resolve();
    rt.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  streaming = false;
  note("stopping");
  await sup.stop();
  removeState(paths.stateFile);
  rmSync(paths.tmpDir, { recursive: true, force: true });
  note("stopped");
  process.off("exit", onExit);
  await new Promise<void>((r) => upLog.end(() => r()));
  return stateNow(specs.map((s) => ({ name: s.name, pid: null, ready: true, restarts: 0 })));

  async function waitReady(): Promise<void> {
    const deadline = startedAt + o.readyTimeoutMs;
    const local = `http://127.0.0.1:${settings.port}`;
    const renderer = `http://127.0.0.1:${settings.rendererPort}`;
    const mark = (name: string) => {
      if (ready.has(name)) return;
      ready.add(name);
      note(`${name} ready (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
      save();
    };
    while (ready.size < specs.length) {
      if (rt.signal.aborted) throw new EfsError("interrupted while starting", { exitCode: 130 });
      if (Date.now() > deadline) {
        const waiting = specs.filter((s) => !ready.has(s.name)).map((s) => s.name);
        const tails = waiting
          .map((n) => `--- ${n} (${logFile(paths, n)}) ---\n${tailFile(logFile(paths, n), 15)}`)
          .join("\n");
        throw new EfsError(
          `the studio did not become ready within ${o.readyTimeoutMs / 1000} s: waiting for ${waiting.join(", ")}\n${tails}`,
          {
            fix: `read the logs (efs logs ${waiting[0]}) or raise --ready-timeout`,
            code: "NOT_READY",
          },
        );
      }
      if (!ready.has("renderer") && (await rendererReady(renderer))) mark("renderer");
      if (!ready.has("web") && (await webReady(local))) mark("web");
      const seen = await workersSeen(paths.dbFile, startedAt - 1000);
      for (let i = 1; i <= settings.workers; i++) {
        if (seen.has(workerId(i)) && sup.running(`worker-${i}`)) mark(`worker-${i}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  function printBanner(): void {
    const c = rt.out.color;
    rt.out.info("");
    rt.out.info(`${c.green("✔")} ${c.bold("Ethereal Flame Studio is up:")} ${c.cyan(url)}`);
    rt.out.info(`  access: open (local, no STUDIO_ACCESS_KEY; the app listens on 127.0.0.1 only)`);
    rt.out.info(
      `  storage: ${settings.s3 ? `S3 ${settings.s3.endpoint} (bucket ${settings.s3.bucket})` : `local files in ${paths.dataDir}/storage`}; jobs: ${paths.dbFile}`,
    );
    rt.out.info(`  logs: ${paths.logsDir}/{${specs.map((s) => s.name).join(",")},up}.log`);
    rt.out.info("  Ctrl-C stops everything; `efs smoke` checks it end to end");
    rt.out.info("");
  }
}
