import { chmod, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server } from "../../../../test-support/s3-server";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("SeaweedFS test server helper", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "efs-fake-weed-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("fails loudly with the log tail when weed exits during startup", async () => {
    const fake = join(dir, "weed");
    await writeFile(fake, "#!/bin/sh\necho 'F1128 fatal: cannot bind master port' >&2\nexit 3\n");
    await chmod(fake, 0o755);
    await expect(startS3Server({ weedBin: fake })).rejects.toThrow(
      /exited with code 3[\s\S]*cannot bind master port/,
    );
  });

  it("names the missing binary and how to install it", async () => {
    await expect(startS3Server({ weedBin: join(dir, "no-such-weed") })).rejects.toThrow(
      /requirements-test\.txt/,
    );
  });

  it("starts with auth on, and stop() kills the process group and removes its data", async () => {
    const server = await startS3Server({ bucket: "helper-check" });
    expect(alive(server.pid)).toBe(true);
    const anonymous = await fetch(`${server.endpoint}/helper-check/`);
    expect(anonymous.status).toBe(403);
    await server.stop();
    expect(alive(server.pid)).toBe(false);
    await expect(fetch(`${server.endpoint}/`)).rejects.toThrow();
    await expect(stat(server.dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
