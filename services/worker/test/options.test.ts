// The worker's settings are parsed once, in main.ts, from the environment (options.ts).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "@efs/core/config";
import { describe, expect, it } from "vitest";
import { workerOptions } from "../src/options";

const options = (env: Record<string, string>) => workerOptions(loadConfig(env, { cwd: "/" }), env);

describe("workerOptions", () => {
  it("takes yt-dlp from PATH and scratch under the OS temp dir by default", () => {
    const o = options({});
    expect(o.ingest.ytdlpPath).toBe("yt-dlp");
    expect(o.tmpRoot).toBe(join(tmpdir(), "efs-worker"));
  });

  it("reads YTDLP_PATH and WORKER_TMP_DIR", () => {
    const o = options({ YTDLP_PATH: "/opt/bin/yt-dlp", WORKER_TMP_DIR: "/var/tmp/w" });
    expect(o.ingest.ytdlpPath).toBe("/opt/bin/yt-dlp");
    expect(o.tmpRoot).toBe("/var/tmp/w/efs-worker");
  });

  it("refuses an empty YTDLP_PATH, naming it", () => {
    expect(() => options({ YTDLP_PATH: "" })).toThrow(ConfigError);
    expect(() => options({ YTDLP_PATH: "" })).toThrow(/YTDLP_PATH is empty/);
  });
});
