// Fast checks of `efs up`/`efs smoke`/`efs down` guards that need no running studio: --clean
// asks first and deletes only with --yes, a held port is refused before anything starts,
// smoke against an unreachable app fails the health stage with its own exit code, local
// secrets are generated once (0600) and kept, missing packages are installed only with --yes
// (fake apt-get on PATH), and the web build staleness check.
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webBuildReason } from "../../src/handlers/up/build";
import { loadOrCreateSecrets } from "../../src/handlers/up/secrets";
import { processIdentity } from "../../src/local/proc-identity";
import { alive, cleanEnv, efs, envelope, freePort, until } from "./helpers";

let root: string;
let held: Server;
let heldPort: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "efs-up-guards-"));
  held = createServer();
  await new Promise<void>((r) => held.listen(0, "127.0.0.1", () => r()));
  heldPort = (held.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => held.close(r));
  rmSync(root, { recursive: true, force: true });
});

function dataDirWithJob(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "storage/audio/x"), { recursive: true });
  writeFileSync(join(dir, "efs.db"), "db");
  return dir;
}

describe("efs up guards", () => {
  it("--clean without --yes in a non-interactive run asks for --yes and deletes nothing", async () => {
    const dir = dataDirWithJob("keep");
    const r = await efs(
      ["up", "--clean", "--no-build", "--port", String(heldPort), "--data-dir", dir],
      {
        env: cleanEnv(root),
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--yes");
    expect(readFileSync(join(dir, "efs.db"), "utf8")).toBe("db");
  }, 60_000);

  it("--clean --yes wipes the data dir, then refuses a port another program holds", async () => {
    const dir = dataDirWithJob("wipe");
    const r = await efs(
      ["up", "--clean", "--yes", "--no-build", "--port", String(heldPort), "--data-dir", dir],
      { env: cleanEnv(root) },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`deleted ${dir}`);
    expect(r.stderr).toContain(`port ${heldPort} is already in use by another program`);
    expect(r.stderr).toContain("--port");
    expect(() => statSync(join(dir, "efs.db"))).toThrow();
  }, 60_000);

  it("offers to install missing ffmpeg with apt-get, and installs only with --yes", async () => {
    // A PATH with ffprobe and Chromium but no ffmpeg; the fake apt-get "installs" it.
    const bin = join(root, "bin");
    mkdirSync(bin, { recursive: true });
    symlinkSync("/usr/bin/ffprobe", join(bin, "ffprobe"));
    symlinkSync("/usr/bin/chromium", join(bin, "chromium"));
    const log = join(root, "apt.log");
    writeFileSync(
      join(bin, "apt-get"),
      `#!/bin/sh\necho "$@" >> "${log}"\ncase "$1" in install) /bin/ln -sf /usr/bin/ffmpeg "${bin}/ffmpeg";; esac\n`,
      { mode: 0o755 },
    );
    const env = cleanEnv(root, { PATH: bin });
    const args = ["up", "--no-build", "--port", String(heldPort), "--data-dir", join(root, "apt")];
    const refused = await efs(args, { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("ffmpeg: not found on PATH");
    expect(refused.stderr).toContain("pass --yes");
    expect(() => readFileSync(log, "utf8")).toThrow();

    const r = await efs(["--yes", ...args], { env });
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toBe("update -qq");
    expect(calls[1]).toBe("install -y -qq --no-install-recommends ffmpeg");
    // Installed and re-checked; it then stops at the held port, before starting anything.
    expect(r.stderr).toContain(`port ${heldPort} is already in use`);
    expect(r.code).toBe(1);
  }, 120_000);

  it("rejects a bad --workers value naming the flag", async () => {
    const r = await efs(["up", "--workers", "0"], { env: cleanEnv(root) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--workers must be a whole number from 1 to 16");
  }, 60_000);

  it("efs down with nothing running says so and succeeds", async () => {
    const r = await efs(["down", "--data-dir", join(root, "none"), "--json"], {
      env: cleanEnv(root),
    });
    expect(r.code).toBe(0);
    expect(envelope<{ running: boolean }>(r).data.running).toBe(false);
  }, 60_000);
});

describe("efs up/down with a state file whose pids now belong to other programs", () => {
  // A stand-in for an unrelated program that got a recorded pid: the leader of its own group.
  const stranger = () => {
    const child = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
    child.unref();
    return child.pid!;
  };
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  });
  const stateFile = (dir: string, state: Record<string, unknown>) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "up-state.json"),
      JSON.stringify({
        version: 1,
        detached: true,
        url: "http://localhost:3999",
        port: 3999,
        rendererPort: 3998,
        dataDir: dir,
        storage: "local",
        startedAt: 0,
        readyAt: 0,
        error: null,
        ...state,
      }),
    );
  };
  const deadPid = () => {
    const r = spawnSync("true");
    return r.pid!;
  };

  it("efs down signals nothing that is not the process it recorded, and says so", async () => {
    const a = stranger();
    const b = stranger();
    started.push(a, b);
    const dir = join(root, "reused-pids");
    mkdirSync(join(dir, "tmp/renderer/chromium-1-abc"), { recursive: true });
    stateFile(dir, {
      supervisorPid: a,
      supervisorIdentity: { start: "1", exe: "/usr/bin/node" },
      services: [
        {
          name: "web",
          pid: b,
          identity: { start: "1", exe: "/usr/bin/node" },
          ready: true,
          restarts: 0,
        },
        // a file written before identities were recorded
        { name: "worker-1", pid: a, ready: true, restarts: 0 },
      ],
    });
    const r = await efs(["down", "--data-dir", dir, "--timeout", "1", "--json"], {
      env: cleanEnv(root),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(alive(a) && alive(b)).toBe(true);
    const data = envelope<{ pids: number[]; strangers: string[] }>(r).data;
    expect(data.pids).toEqual([]);
    expect(data.strangers).toEqual([
      `supervisor (pid ${a})`,
      `web (pid ${b})`,
      `worker-1 (pid ${a})`,
    ]);
    expect(r.stderr).toContain("the recorded pid now belongs to another program");
    expect(existsSync(join(dir, "up-state.json"))).toBe(false);
    expect(existsSync(join(dir, "tmp"))).toBe(false);
  }, 60_000);

  it("efs down still stops a process that is the one it recorded", async () => {
    const ours = stranger();
    started.push(ours);
    const dir = join(root, "own-pid");
    stateFile(dir, {
      supervisorPid: deadPid(),
      services: [
        { name: "worker-1", pid: ours, identity: processIdentity(ours), ready: true, restarts: 0 },
      ],
    });
    const r = await efs(["down", "--data-dir", dir, "--json"], { env: cleanEnv(root) });
    expect(r.code, r.stderr).toBe(0);
    expect(envelope<{ pids: number[] }>(r).data.pids).toEqual([ours]);
    await until(() => !alive(ours), 5_000, "the recorded worker to stop");
  }, 60_000);

  it("efs up treats a state file naming someone else's pids as stale and signals none of them", async () => {
    const sup = stranger();
    const web = stranger();
    started.push(sup, web);
    const dir = join(root, "stale-up");
    stateFile(dir, {
      supervisorPid: sup,
      supervisorIdentity: { start: "1", exe: "/usr/bin/node" },
      services: [
        {
          name: "web",
          pid: web,
          identity: { start: "2", exe: "/usr/bin/node" },
          ready: true,
          restarts: 0,
        },
      ],
    });
    const r = await efs(["up", "--no-build", "--port", String(heldPort), "--data-dir", dir], {
      env: cleanEnv(root),
    });
    // Not "already running": it went on and stopped at the held port, before starting anything.
    expect(r.stderr).not.toContain("already running");
    expect(r.stderr).toContain(`port ${heldPort} is already in use`);
    expect(alive(sup) && alive(web)).toBe(true);
    expect(existsSync(join(dir, "up-state.json"))).toBe(false);
  }, 60_000);
});

describe("efs smoke failure reporting", () => {
  it("fails the health stage with exit 10, skips the rest and names the check to run", async () => {
    const port = await freePort();
    const r = await efs(["smoke", "--url", `http://127.0.0.1:${port}`, "--json"], {
      env: cleanEnv(root),
    });
    expect(r.code).toBe(10);
    const out = envelope<{
      ok: boolean;
      failedStage: string;
      stages: { id: string; status: string; detail: string }[];
      failure: { exitCode: number; verify: string; cause: string };
    }>(r);
    expect(out.data.ok).toBe(false);
    expect(out.data.failedStage).toBe("health");
    expect(out.data.failure).toMatchObject({ exitCode: 10, verify: "efs verify vercel" });
    expect(out.data.failure.cause).toContain("efs up");
    expect(out.data.stages.find((s) => s.id === "health")?.detail).toContain("cannot reach");
    expect(out.data.stages.filter((s) => s.status === "skip").map((s) => s.id)).toEqual([
      "session",
      "upload",
      "ingest",
      "playback",
      "render",
      "download",
    ]);
  }, 60_000);

  it("production without a URL in the vault or --url is a usage error naming --url", async () => {
    const project = join(root, "empty-project");
    mkdirSync(project, { recursive: true });
    const r = await efs(["smoke", "--target", "production"], { env: cleanEnv(root), cwd: project });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--url");
  }, 60_000);
});

describe("local secrets and build staleness", () => {
  it("generates the secrets once with mode 0600 and returns the same values after", () => {
    const file = join(root, "sec/secrets.json");
    const a = loadOrCreateSecrets(file);
    expect(a.INTERNAL_WEBHOOK_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(a.LOCAL_STORAGE_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecrets(file)).toEqual(a);
  });

  it("says the web app needs a build when BUILD_ID is missing or a source is newer", () => {
    const repo = join(root, "repo");
    mkdirSync(join(repo, "services/web/app"), { recursive: true });
    mkdirSync(join(repo, "services/web/.next"), { recursive: true });
    writeFileSync(join(repo, "services/web/app/page.tsx"), "x");
    expect(webBuildReason(repo)).toMatch(/BUILD_ID missing/);
    writeFileSync(join(repo, "services/web/.next/BUILD_ID"), "id");
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(repo, "services/web/app/page.tsx"), past, past);
    expect(webBuildReason(repo)).toBeNull();
    writeFileSync(join(repo, "services/web/app/page.tsx"), "y");
    expect(webBuildReason(repo)).toBe("services/web/app/page.tsx changed since the last build");
  });
});
