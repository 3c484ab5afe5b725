// Child processes (ffmpeg, ffprobe, yt-dlp) in their own process group, killed as a group
// when the job's AbortSignal fires, on timeout, or when the worker exits at once.
import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { JobAbortedError } from "../errors";

const live = new Set<ChildProcess>();

export class ProcessError extends Error {
  override readonly name = "ProcessError";
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
    readonly timedOut: boolean,
  ) {
    super(
      timedOut
        ? `${command} timed out`
        : `${command} exited with code ${exitCode}: ${stderrTail.trim().split("\n").slice(-3).join(" | ")}`,
    );
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

// Kills every child process group still running (second signal, fatal exit).
export function killAllChildren(): void {
  for (const child of live) killGroup(child);
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called with each stdout chunk instead of buffering stdout. */
  onStdout?: (chunk: Buffer) => void;
  /** Bytes of stdout kept when buffering (default 4 MiB). */
  maxStdout?: number;
  env?: NodeJS.ProcessEnv;
  /** Lets the caller read stdout as a stream (onStdout and buffering are skipped). */
  streamStdout?: (stdout: Readable) => Promise<void>;
}

// Runs a command to completion; rejects with ProcessError, or JobAbortedError when aborted.
export function runProcess(
  command: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new JobAbortedError(`${command} not started: job aborted`));
      return;
    }
    const child = spawn(command, args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: opts.env ?? process.env,
    });
    live.add(child);
    const out: Buffer[] = [];
    let outLen = 0;
    const maxOut = opts.maxStdout ?? 4 * 1024 * 1024;
    let err = "";
    let timedOut = false;
    let streamDone: Promise<void> = Promise.resolve();
    if (opts.streamStdout) {
      streamDone = opts.streamStdout(child.stdout);
    } else {
      child.stdout.on("data", (chunk: Buffer) => {
        if (opts.onStdout) return opts.onStdout(chunk);
        if (outLen < maxOut) {
          out.push(chunk);
          outLen += chunk.length;
        }
      });
    }
    child.stderr.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString("utf8")).slice(-8192);
    });
    const onAbort = () => killGroup(child);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            killGroup(child);
          }, opts.timeoutMs)
        : undefined;
    timer?.unref();
    const finish = (fn: () => void) => {
      live.delete(child);
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    child.on("error", (e) => finish(() => reject(e)));
    child.on("close", (code) => {
      streamDone.then(
        () =>
          finish(() => {
            if (opts.signal?.aborted) {
              reject(new JobAbortedError(`${command} stopped: job aborted`));
            } else if (timedOut || code !== 0) {
              reject(new ProcessError(command, code, err, timedOut));
            } else {
              resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: err });
            }
          }),
        (e: unknown) => finish(() => reject(e)),
      );
    });
  });
}
