import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChildError } from "../../src/proc/errors";
import { killAllChildren, runChild, startChild } from "../../src/proc/run";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const ECHO = join(FIXTURES, "echo.mjs");
const TREE = join(FIXTURES, "tree.mjs");
const SECRET = "tok_4f2a9c1e8b7d6a5f3e2d1c0b";
const redact = (t: string) => t.split(SECRET).join("[redacted]");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "efs-proc-"));
});
afterEach(() => {
  killAllChildren(); // a failed test leaves no program running
  rmSync(dir, { recursive: true, force: true });
});

// True while `pid` is a live process (a zombie waiting for its reaper counts as gone).
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function gone(pids: number[], ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pids.every((p) => !alive(p))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function treePids(file: string): number[] {
  return readFileSync(file, "utf8").trim().split(" ").map(Number);
}

// Starts tree.mjs through the runner; resolves its pids once it is ready, plus the outcome.
async function startTree(opts: Parameters<typeof runChild>[2] & { ignoreTerm?: boolean }) {
  const pidFile = join(dir, "pids");
  let ready!: () => void;
  const isReady = new Promise<void>((r) => {
    ready = r;
  });
  const outcome = runChild(TREE, [], {
    ...opts,
    env: { TREE_PIDS: pidFile, TREE_IGNORE_TERM: opts.ignoreTerm ? "1" : "0" },
    onLine: (line) => line === "ready" && ready(),
  }).catch((e: unknown) => e);
  await Promise.race([isReady, outcome]);
  if (!existsSync(pidFile)) throw new Error(`tree.mjs ended before it was ready: ${await outcome}`);
  return { pids: treePids(pidFile), outcome };
}

describe("runChild", () => {
  it("refuses an argument holding a secret and never starts the program", async () => {
    const log = join(dir, "argv");
    const err = await runChild(ECHO, ["deploy", `--token=${SECRET}`], {
      redact,
      env: { FAKE_ARGV_LOG: log },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChildError);
    expect((err as ChildError).code).toBe("SECRET_IN_ARGV");
    expect((err as ChildError).message).toContain("--token=[redacted]");
    expect((err as ChildError).message).not.toContain(SECRET);
    expect(existsSync(log)).toBe(false);
  });

  it("prints nothing of the program's output itself, even under NODE_DEBUG=execa", async () => {
    const script = `
      import { runChild } from ${JSON.stringify(join(FIXTURES, "../../../src/proc/run.ts"))};
      const redact = (t) => t.split(${JSON.stringify(SECRET)}).join("[redacted]");
      const res = await runChild(${JSON.stringify(ECHO)}, ["x"], { input: ${JSON.stringify(SECRET)}, redact });
      process.stdout.write(res.stdout);`;
    const printed = await new Promise<string>((resolve, reject) => {
      const parent = spawn(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script],
        { env: { ...process.env, NODE_DEBUG: "execa" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let all = "";
      parent.stdout.on("data", (c) => (all += c));
      parent.stderr.on("data", (c) => (all += c));
      parent.on("error", reject);
      parent.on("close", () => resolve(all));
    });
    expect(printed).toContain("stdout: received [redacted]");
    expect(printed).not.toContain(SECRET);
  });

  it("passes a secret on stdin and redacts it from output, lines and the command line", async () => {
    const log = join(dir, "argv");
    const lines: string[] = [];
    const res = await runChild(ECHO, ["db", "tokens", "create", "--stdin"], {
      redact,
      input: SECRET,
      env: { FAKE_ARGV_LOG: log },
      onLine: (l, stream) => lines.push(`${stream}: ${l}`),
    });
    expect(res.exitCode).toBe(0);
    expect(readFileSync(log, "utf8")).toBe("db\ntokens\ncreate\n--stdin\n");
    expect(res.stdout).toContain("stdout: received [redacted]");
    expect(res.stdout).toContain("stdin is a pipe");
    expect(res.stderr).toContain("stderr: token was [redacted]");
    expect(lines).toContain("stderr: stderr: token was [redacted]");
    expect(res.command).toBe(`${ECHO} db tokens create --stdin`);
    expect(`${res.stdout}${res.stderr}${lines.join("")}`).not.toContain(SECRET);
  });

  it("gives a stdin file the program reads as a regular file, and leaves nothing on disk", async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith(`efs-secret-${process.pid}-`));
    const res = await runChild(ECHO, ["secret", "create", "--from-json", "/dev/stdin"], {
      redact,
      stdinFile: `{"TOKEN":"${SECRET}"}`,
    });
    expect(res.stdout).toContain('stdout: received {"TOKEN":"[redacted]"}');
    expect(res.stdout).toContain("stdin is a file");
    const after = readdirSync(tmpdir()).filter((n) => n.startsWith(`efs-secret-${process.pid}-`));
    expect(after).toEqual(before);
  });

  it("adds, removes and replaces environment variables", async () => {
    process.env.EFS_PROC_TEST_INHERITED = "from-parent";
    try {
      const show = "EFS_PROC_TEST_INHERITED,EFS_PROC_TEST_ADDED,PATH";
      const merged = await runChild(process.execPath, [ECHO], {
        env: { FAKE_SHOW_ENV: show, EFS_PROC_TEST_ADDED: "added", PATH: undefined },
      });
      expect(merged.stdout).toContain("EFS_PROC_TEST_INHERITED=from-parent");
      expect(merged.stdout).toContain("EFS_PROC_TEST_ADDED=added");
      expect(merged.stdout).toContain("PATH=(unset)");
      const only = await runChild(process.execPath, [ECHO], {
        env: { FAKE_SHOW_ENV: show },
        inheritEnv: false,
      });
      expect(only.stdout).toContain("EFS_PROC_TEST_INHERITED=(unset)");
    } finally {
      delete process.env.EFS_PROC_TEST_INHERITED;
    }
  });

  it("returns a non-zero exit instead of throwing; with reject it throws EXIT with the stderr tail", async () => {
    const res = await runChild(ECHO, ["whoami"], {
      redact,
      input: SECRET,
      env: { FAKE_EXIT: "3" },
    });
    expect(res.exitCode).toBe(3);
    expect(res.stderr).not.toContain(SECRET);
    const err = await runChild(ECHO, ["whoami"], {
      redact,
      input: SECRET,
      env: { FAKE_EXIT: "3" },
      reject: true,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "EXIT", exitCode: 3, ranAndFailed: true });
    expect((err as ChildError).message).toMatch(
      /echo\.mjs exited with code 3: stderr: token was \[redacted\]/,
    );
    expect((err as ChildError).stderrTail).toBe("stderr: token was [redacted]");
  });

  it("names a missing program and carries how to install it", async () => {
    const err = await runChild("efs-no-such-program", ["--version"], {
      installHint: "npm install -g efs-no-such-program",
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "MISSING_PROGRAM",
      message: "efs-no-such-program is not installed or not on PATH",
      installHint: "npm install -g efs-no-such-program",
    });
  });

  it("says when the working folder is missing rather than blaming the program", async () => {
    const err = await runChild(ECHO, [], { cwd: join(dir, "nope") }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "SPAWN_FAILED" });
    expect((err as ChildError).message).toContain("does not exist");
  });

  it("never starts a program once the signal is aborted", async () => {
    const log = join(dir, "argv");
    const err = await runChild(ECHO, ["x"], {
      signal: AbortSignal.abort(),
      env: { FAKE_ARGV_LOG: log },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ABORTED" });
    expect(existsSync(log)).toBe(false);
  });

  it("streams stdout chunks without buffering them, and caps what it buffers", async () => {
    const chunks: Buffer[] = [];
    const streamed = await runChild(ECHO, [], { input: "abc", onStdout: (c) => chunks.push(c) });
    expect(Buffer.concat(chunks).toString()).toContain("stdout: received abc");
    expect(streamed.stdout).toBe("");
    const capped = await runChild(ECHO, [], { input: "abcdef", maxBuffer: 10 });
    expect(capped.stdout).toBe("stdout: re"); // the start of stdout
    expect(capped.stderr).toBe("as abcdef\n"); // the end of stderr
  });
});

describe("stopping a program and what it started", () => {
  it("stops the whole process group on abort and throws ABORTED", async () => {
    const ac = new AbortController();
    const { pids, outcome } = await startTree({ signal: ac.signal });
    expect(pids.every(alive)).toBe(true);
    ac.abort();
    expect(await outcome).toMatchObject({ code: "ABORTED" });
    expect(await gone(pids)).toBe(true);
  });

  it("kills a group that ignores SIGTERM once the grace period is over", async () => {
    const ac = new AbortController();
    const { pids, outcome } = await startTree({
      signal: ac.signal,
      ignoreTerm: true,
      killGraceMs: 300,
    });
    const t0 = Date.now();
    ac.abort();
    await new Promise((r) => setTimeout(r, 150));
    expect(pids.every(alive)).toBe(true); // SIGTERM ignored: still there within the grace
    expect(await outcome).toMatchObject({ code: "ABORTED" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await gone(pids)).toBe(true);
  });

  it("stops the group after timeoutMs; with reject it throws TIMEOUT", async () => {
    // Long enough for two Node processes to start on a loaded machine.
    const { pids, outcome } = await startTree({ timeoutMs: 2000, killGraceMs: 0, reject: true });
    expect(pids.every(alive)).toBe(true);
    const err = await outcome;
    expect(err).toMatchObject({ code: "TIMEOUT", timedOut: true });
    expect((err as ChildError).message).toContain("did not finish within 2000 ms");
    expect(await gone(pids)).toBe(true);
  });

  it("killAllChildren stops every running group (a second Ctrl-C)", async () => {
    const { pids, outcome } = await startTree({});
    killAllChildren();
    const res = await outcome;
    expect(res).toMatchObject({ signal: "SIGKILL", exitCode: null });
    expect(await gone(pids)).toBe(true);
  });

  it("takes its children down when this process exits", async () => {
    const pidFile = join(dir, "pids");
    await new Promise<void>((resolve, reject) => {
      const parent = spawn(
        process.execPath,
        ["--import", "tsx", join(FIXTURES, "exit-parent.ts")],
        { env: { ...process.env, TREE_PIDS: pidFile }, stdio: "ignore" },
      );
      parent.on("error", reject);
      parent.on("exit", () => resolve());
    });
    const pids = treePids(pidFile);
    expect(await gone(pids)).toBe(true);
  });

  it("gives startChild's caller the stdin and a kill for the group", async () => {
    const run = startChild("cat", [], { reject: true });
    run.stdin.write("frame 1\n");
    run.stdin.end("frame 2\n");
    expect((await run.result).stdout).toBe("frame 1\nframe 2\n");
    const stuck = startChild("cat", []);
    stuck.kill();
    expect(await stuck.result).toMatchObject({ signal: "SIGKILL" });
  });
});
