// `efs up --s3 <endpoint>`: the local studio with its files on an S3-compatible server
// (SeaweedFS on loopback) instead of the data dir; credentials from S3_ACCESS_KEY_ID /
// S3_SECRET_ACCESS_KEY, never in any process's argv.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3TestServer, startS3Server } from "../../test-support/s3-server";
import { ensureWebBuild } from "../../test-support/web-server";
import { alive, cleanEnv, efs, envelope, freePort, killAll, readState, statePids } from "./helpers";

let root: string;
let s3: S3TestServer;
let env: NodeJS.ProcessEnv;
let seen: number[] = [];

beforeAll(async () => {
  await ensureWebBuild();
  root = await mkdtemp(join(tmpdir(), "efs-up-s3-"));
  s3 = await startS3Server();
  env = cleanEnv(root, {
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  });
}, 1_200_000);

afterAll(async () => {
  killAll(seen);
  await s3?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

describe("efs up --s3", () => {
  it("serves uploads and playback from the S3 server and keeps the credentials out of argv", async () => {
    const dataDir = join(root, "data");
    const port = await freePort();
    const up = await efs(
      [
        "up",
        "--detach",
        "--no-build",
        "--port",
        String(port),
        "--data-dir",
        dataDir,
        "--s3",
        s3.endpoint,
        "--bucket",
        s3.bucket,
      ],
      { env, timeoutMs: 360_000 },
    );
    const state = readState(dataDir);
    if (state) seen = statePids(state);
    expect(up.code, up.stderr).toBe(0);
    for (const pid of seen) {
      const argv = execFileSync("ps", ["-o", "args=", "-p", String(pid)]).toString();
      expect(argv).not.toContain(s3.secretAccessKey);
    }
    const smoke = await efs(["smoke", "--no-render", "--data-dir", dataDir, "--json"], {
      env,
      timeoutMs: 300_000,
    });
    const out = envelope<{ ok: boolean; stages: { id: string; status: string; detail: string }[] }>(
      smoke,
    );
    expect(out.data.ok, JSON.stringify(out.data.stages, null, 1)).toBe(true);
    expect(out.data.stages.find((s) => s.id === "health")?.detail).toContain("storage r2");
    expect(out.data.stages.find((s) => s.id === "upload")?.detail).toContain("bytes → uploads/");
    expect(existsSync(join(dataDir, "storage/uploads"))).toBe(false);

    const down = await efs(["down", "--data-dir", dataDir], { env, timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    for (const pid of seen) expect(alive(pid)).toBe(false);
  }, 600_000);
});
