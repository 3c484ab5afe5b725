// The one way efs and the studio run another program (provider CLIs, git, apt-get, ffmpeg,
// ffprobe, yt-dlp, next build). Each child leads its own process group, so an abort, a
// timeout or our own exit stops it with everything it started; an argument holding a secret
// is refused before anything runs (secrets travel in env, on stdin or as a stdin file); and
// what comes back (output, lines, the command line, error messages) is redacted.
// execa spawns, feeds stdin, splits lines, stops the leader (SIGTERM, SIGKILL after the
// grace) and reports how it ended; the rest here is what execa does not do: the process
// group, secrets in argv, redaction, the deleted stdin file, the output caps, the exit hook.
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { execa, type Options, type ResultPromise } from "execa";
import { ChildError } from "./errors";
import { groupAlive, signalGroup } from "./group";

/** Masks secrets in text (the CLI passes its Redactor's `redact`). */
export type Redact = (text: string) => string;

export interface ChildOptions {
  readonly cwd?: string;
  // Added to the inherited environment; a value `undefined` removes that variable.
  readonly env?: Readonly<Record<string, string | undefined>>;
  // false: the child gets `env` only, nothing inherited from this process.
  readonly inheritEnv?: boolean;
  // Written to the child's stdin, which is then closed.
  readonly input?: string | Uint8Array;
  // Given to the child as stdin backed by a regular file that is deleted before the child
  // starts, for programs that need a file rather than a pipe (`--from-json /dev/stdin`):
  // nothing stays on disk, even after kill -9.
  readonly stdinFile?: string;
  // Masks secrets: an argument it would change is refused before anything starts, and the
  // command line, stdout, stderr, lines and error messages come back through it.
  readonly redact?: Redact;
  // Stops the child's process group (SIGTERM, then SIGKILL after killGraceMs); a signal
  // already aborted means the program never starts. Either way ChildError "ABORTED" is thrown.
  readonly signal?: AbortSignal;
  // Stops the group like `signal` after this long; the result says timedOut.
  readonly timeoutMs?: number;
  // Time between SIGTERM and SIGKILL when stopping (default 2000; 0: SIGKILL at once).
  readonly killGraceMs?: number;
  // Each stdout chunk as it arrives, instead of buffering it (binary streams, e.g. PCM).
  readonly onStdout?: (chunk: Buffer) => void;
  // Each line of stdout and stderr, redacted, as it arrives (progress, passthrough).
  readonly onLine?: (line: string, stream: "stdout" | "stderr") => void;
  // Bytes kept of each stream (default 16 MiB): the start of stdout, the end of stderr.
  readonly maxBuffer?: number;
  // A non-zero exit, a signal or a timeout throws ChildError "EXIT" / "TIMEOUT" instead of
  // being returned.
  readonly reject?: boolean;
  // How to install the program; carried by the "MISSING_PROGRAM" error.
  readonly installHint?: string;
}

/** How a program ended (its output already redacted). */
export interface ChildResult {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** A started program whose stdin the caller writes (startChild with `stdin: "pipe"`). */
export interface RunningChild {
  readonly pid: number | undefined;
  readonly stdin: Writable;
  // Stops the whole process group (SIGKILL unless a signal is named).
  kill(signal?: NodeJS.Signals): void;
  readonly result: Promise<ChildResult>;
}

const DEFAULT_MAX_BUFFER = 16 * 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;

// Every child still running, for killAllChildren() and our own exit.
const live = new Set<{ readonly pid?: number }>();
let exitHookInstalled = false;

// Stops every child process group still running (a second Ctrl-C, a fatal error); also runs
// when this process exits, so no child outlives it.
export function killAllChildren(): void {
  for (const child of live) signalGroup(child.pid, "SIGKILL");
}

// Runs `cmd args` to the end and resolves with how it ended (a non-zero exit is returned
// unless `reject`); throws ChildError when it cannot run or is aborted.
export async function runChild(
  cmd: string,
  args: readonly string[],
  opts: ChildOptions = {},
): Promise<ChildResult> {
  return start(cmd, args, opts, false).result;
}

// Starts `cmd args` with a writable stdin (e.g. frames piped into ffmpeg); `result` settles
// like runChild's. Throws ChildError at once for a secret in argv or an aborted signal.
export function startChild(
  cmd: string,
  args: readonly string[],
  opts: Omit<ChildOptions, "input" | "stdinFile"> = {},
): RunningChild {
  const run = start(cmd, args, opts, true);
  return { ...run, stdin: run.stdin as Writable };
}

function start(
  cmd: string,
  args: readonly string[],
  opts: ChildOptions,
  pipeStdin: boolean,
): {
  pid: number | undefined;
  stdin: Writable | null;
  kill: RunningChild["kill"];
  result: Promise<ChildResult>;
} {
  const redact: Redact = opts.redact ?? ((t) => t);
  const program = redact(cmd);
  for (const a of [cmd, ...args]) {
    if (redact(a) !== a) {
      throw new ChildError(
        "SECRET_IN_ARGV",
        `Refusing to run ${program}: a secret would appear in its arguments (${redact(a)})`,
        { program },
      );
    }
  }
  if (opts.signal?.aborted) {
    throw new ChildError("ABORTED", `${program} not started: cancelled`, { program });
  }
  // An abort or the timeout stops the run: execa stops the leader (killSignal, then SIGKILL
  // after the grace), and we signal its whole group (execa signals only the leader).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, opts.timeoutMs);
  timer?.unref();
  const graceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const killSignal = graceMs > 0 ? "SIGTERM" : "SIGKILL";

  const stdinFd = opts.stdinFile === undefined ? undefined : deletedFileFd(opts.stdinFile);
  const options = {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.inheritEnv !== false,
    // A descriptor number goes to spawn as is (execa's types list only 0 and 3-9).
    stdin:
      (stdinFd as 0 | undefined) ?? (pipeStdin || opts.input !== undefined ? "pipe" : "ignore"),
    input: opts.input,
    buffer: false, // we keep the start of stdout and the end of stderr ourselves
    detached: true,
    cancelSignal: stop.signal,
    killSignal,
    forceKillAfterDelay: graceMs > 0 ? graceMs : false,
    reject: false,
    // execa would print commands and unredacted output under NODE_DEBUG=execa.
    verbose: "none",
  } satisfies Options;
  let child: ResultPromise<typeof options>;
  try {
    child = execa(cmd, args, options);
  } finally {
    if (stdinFd !== undefined) closeSync(stdinFd);
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", killAllChildren);
  }
  const { pid } = child;
  if (pid !== undefined) live.add(child);
  stop.signal.addEventListener("abort", () => signalGroup(pid, killSignal), { once: true });
  // Once the leader is gone after a stop, whatever it left in its group goes too.
  child.once("exit", () => {
    if (stop.signal.aborted && groupAlive(pid)) signalGroup(pid, "SIGKILL");
  });

  const max = opts.maxBuffer ?? DEFAULT_MAX_BUFFER;
  const out = new Head(max);
  const err = new Tail(max);
  child.stdout?.on("data", (chunk: Buffer) =>
    opts.onStdout ? opts.onStdout(chunk) : out.push(chunk),
  );
  child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
  const lines = (["stdout", "stderr"] as const).map(async (from) => {
    if (opts.onLine) for await (const l of child.iterable({ from })) opts.onLine(redact(l), from);
  });

  const result = (async (): Promise<ChildResult> => {
    const [r] = await Promise.all([child, ...lines]);
    live.delete(child);
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    if (pid === undefined) throw spawnError(r.cause as NodeJS.ErrnoException, program, opts);
    const res: ChildResult = {
      command: redact(r.command),
      exitCode: r.exitCode ?? null,
      signal: (r.signal as NodeJS.Signals | undefined) ?? null,
      stdout: redact(out.text()),
      stderr: redact(err.text()),
      timedOut,
    };
    if (opts.signal?.aborted) {
      throw new ChildError("ABORTED", `${program} stopped: cancelled`, {
        program,
        exitCode: res.exitCode,
        stderrTail: tail(res.stderr),
      });
    }
    if (opts.reject && (timedOut || res.exitCode !== 0)) throw exitError(res, program, opts);
    return res;
  })();
  return {
    pid,
    stdin: child.stdin,
    kill: (signal = "SIGKILL") => signalGroup(pid, signal),
    result,
  };
}

function spawnError(e: NodeJS.ErrnoException, program: string, opts: ChildOptions): ChildError {
  if (e.code === "ENOENT" && opts.cwd !== undefined && !existsSync(opts.cwd)) {
    return new ChildError(
      "SPAWN_FAILED",
      `Cannot run ${program}: its folder ${opts.cwd} does not exist`,
      {
        program,
        cause: e,
      },
    );
  }
  if (e.code === "ENOENT") {
    return new ChildError("MISSING_PROGRAM", `${program} is not installed or not on PATH`, {
      program,
      installHint: opts.installHint,
      cause: e,
    });
  }
  return new ChildError("SPAWN_FAILED", `Cannot run ${program}: ${e.code ?? e.message}`, {
    program,
    cause: e,
  });
}

function exitError(res: ChildResult, program: string, opts: ChildOptions): ChildError {
  const why = tail(res.stderr).split("\n").join(" | ");
  if (res.timedOut) {
    return new ChildError("TIMEOUT", `${program} did not finish within ${opts.timeoutMs} ms`, {
      program,
      exitCode: res.exitCode,
      stderrTail: tail(res.stderr),
    });
  }
  const how = res.signal ? `was killed by ${res.signal}` : `exited with code ${res.exitCode}`;
  return new ChildError("EXIT", `${program} ${how}${why ? `: ${why}` : ""}`, {
    program,
    exitCode: res.exitCode,
    stderrTail: tail(res.stderr),
  });
}

// The last three non-empty lines of a program's stderr.
function tail(stderr: string): string {
  return stderr.trim().split("\n").filter(Boolean).slice(-3).join("\n");
}

// Keeps the first `max` bytes of a stream.
class Head {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  constructor(readonly max: number) {}
  push(chunk: Buffer): void {
    if (this.#size >= this.max) return;
    const part = chunk.subarray(0, this.max - this.#size);
    this.#chunks.push(part);
    this.#size += part.length;
  }
  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}

// Keeps the last `max` bytes of a stream.
class Tail {
  #chunks: Buffer[] = [];
  #size = 0;
  constructor(readonly max: number) {}
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.max && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()?.length ?? 0;
    }
  }
  text(): string {
    const all = Buffer.concat(this.#chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString("utf8");
  }
}

const STDIN_DIR_PREFIX = "efs-secret-";
// A stdin dir of a process that no longer runs: created by a dead pid, or (from versions that
// did not record the pid) older than this.
const LEGACY_DIR_AGE_MS = 10 * 60_000;

// Opens `content` as a read-only descriptor of a file that is already deleted: the child reads
// it as /dev/stdin (a regular file, unlike a pipe) and nothing is left on disk once the
// descriptors close. The caller closes the descriptor (the runner does, after the spawn).
export function deletedFileFd(content: string): number {
  sweepStdinDirs();
  // Named with our pid, so a later run can tell a live dir from one a killed process left.
  const dir = mkdtempSync(join(tmpdir(), `${STDIN_DIR_PREFIX}${process.pid}-`));
  try {
    const path = join(dir, "stdin");
    writeFileSync(path, content, { mode: 0o600, flag: "wx" });
    return openSync(path, "r");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Removes stdin dirs that a process killed between writing and deleting the file left behind.
function sweepStdinDirs(now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(STDIN_DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(tmpdir(), name);
    try {
      const st = statSync(path);
      if (!st.isDirectory() || st.uid !== process.getuid?.()) continue;
      const pid = Number(new RegExp(`^${STDIN_DIR_PREFIX}(\\d+)-`).exec(name)?.[1]);
      const dead = pid > 0 ? !pidAlive(pid) : now - st.mtimeMs > LEGACY_DIR_AGE_MS;
      if (dead) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already, or not ours
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
