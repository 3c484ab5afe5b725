// Runs a child process (a provider CLI such as turso, vercel or modal) so that no secret
// reaches its argv or our output: secrets go on stdin or into 0600 temp files, and the
// child's stdout/stderr are redacted, including when streamed through (--debug, progress).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { EfsError } from "../errors";
import { onCleanup } from "../process-cleanup";
import type { Redactor } from "../redact";
import type { TextSink } from "../ui/output";

export interface RunChildOptions {
  // The process redactor (rt.redactor); every secret given here is added to it.
  readonly redactor: Redactor;
  // Variables added to the inherited environment (a value undefined removes it).
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  // A secret written to the child's stdin (then stdin is closed).
  readonly stdinSecret?: string;
  // Non-secret stdin text.
  readonly input?: string;
  // Secrets the child reads from files: `{{file:NAME}}` in args becomes the path of a
  // 0600 temp file holding secretFiles.NAME, deleted when the child exits.
  readonly secretFiles?: Readonly<Record<string, string>>;
  // Stream the child's stdout/stderr, redacted line by line, to this sink.
  readonly passthrough?: TextSink;
  // Called with the redacted command line before it runs (for --debug logs).
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  // How to install the program when it is missing, e.g. "npm install -g vercel".
  readonly installHint?: string;
}

/** The outcome, with stdout/stderr already redacted. */
export interface ChildResult {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

const FILE_REF = /\{\{file:([A-Za-z0-9_-]+)\}\}/g;

// Runs `cmd args` and resolves with its redacted result (a non-zero exit is not thrown).
export async function runChild(
  cmd: string,
  args: readonly string[],
  options: RunChildOptions,
): Promise<ChildResult> {
  const r = options.redactor;
  if (options.stdinSecret !== undefined) r.add(options.stdinSecret, `${cmd} stdin`);
  for (const [name, content] of Object.entries(options.secretFiles ?? {})) r.add(content, name);
  for (const a of [cmd, ...args]) {
    if (r.redact(a) !== a) {
      throw new EfsError(
        `Refusing to run ${cmd}: a secret would appear in its arguments (${r.redact(a)})`,
        {
          fix: "pass the secret with stdinSecret or secretFiles (this is a bug in efs; please report it)",
          code: "SECRET_IN_ARGV",
        },
      );
    }
  }
  const { argv, cleanup } = materialiseFiles(args, options.secretFiles ?? {});
  const unregister = onCleanup(cleanup);
  const display = [cmd, ...args].join(" ");
  options.log?.(`$ ${r.redact(display)}`);
  try {
    const child = execa(cmd, argv, {
      cwd: options.cwd,
      env: options.env as Record<string, string>,
      extendEnv: true,
      input: options.stdinSecret ?? options.input ?? "",
      reject: false,
      cancelSignal: options.signal,
      timeout: options.timeoutMs,
      stripFinalNewline: false,
      buffer: true,
    });
    if (options.passthrough) {
      const sink = options.passthrough;
      for (const stream of [child.stdout, child.stderr]) stream?.on("data", lineRedactor(r, sink));
    }
    const res = await child;
    const spawnError = (res as { code?: string }).code;
    if (spawnError === "ENOENT") {
      throw new EfsError(`${cmd} is not installed or not on PATH`, {
        fix: options.installHint
          ? `install it: ${options.installHint} (or run efs doctor)`
          : "install it, then run efs doctor",
        code: "MISSING_PROGRAM",
      });
    }
    if (res.isCanceled)
      throw new EfsError(`Interrupted while running ${cmd}`, {
        exitCode: 130,
        code: "INTERRUPTED",
      });
    return {
      command: r.redact(display),
      exitCode: res.exitCode ?? (res.timedOut ? 124 : 1),
      stdout: r.redact(String(res.stdout ?? "")),
      stderr: r.redact(String(res.stderr ?? "")),
      timedOut: res.timedOut === true,
    };
  } finally {
    unregister();
    cleanup();
  }
}

// Turns a chunk stream into redacted whole lines (a secret never spans a line).
function lineRedactor(r: Redactor, sink: TextSink): (chunk: Buffer | string) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) sink.write(`${r.redact(line)}\n`);
  };
}

function materialiseFiles(
  args: readonly string[],
  files: Readonly<Record<string, string>>,
): { argv: string[]; cleanup: () => void } {
  const names = new Set<string>();
  for (const a of args) for (const m of a.matchAll(FILE_REF)) names.add(m[1] ?? "");
  if (names.size === 0) return { argv: [...args], cleanup: () => {} };
  // Named with our pid, so a later efs can tell a live dir from one a killed efs left.
  const dir = mkdtempSync(join(tmpdir(), `efs-secret-${process.pid}-`));
  const paths = new Map<string, string>();
  for (const name of names) {
    const content = files[name];
    if (content === undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`runChild: {{file:${name}}} has no entry in secretFiles`);
    }
    const p = join(dir, `${name}-${randomBytes(4).toString("hex")}`);
    writeFileSync(p, content, { mode: 0o600, flag: "wx" });
    paths.set(name, p);
  }
  return {
    argv: args.map((a) => a.replace(FILE_REF, (_m, n: string) => paths.get(n) ?? "")),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
