import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runEfs, type Sandbox, sandbox } from "../helpers/cli";
import { registerSecret } from "../helpers/leak-record";

let box: Sandbox;
afterEach(() => box?.cleanup());

interface Check {
  id: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

const gitInit = (dir: string) => {
  execFileSync("git", ["init", "-q", dir]);
  writeFileSync(join(dir, ".gitignore"), ".efs/\n");
};

describe("efs doctor", () => {
  it("reports real tools, headless WebGL via SwiftShader and token shapes without showing tokens", async () => {
    box = sandbox();
    gitInit(box.project);
    const cf = registerSecret("A".repeat(20) + "b".repeat(20));
    const badRender = registerSecret("not-a-render-key-value");
    const r = await runEfs(["--cwd", box.project, "doctor", "--json"], {
      env: { ...box.env, CLOUDFLARE_API_TOKEN: cf, RENDER_API_KEY: badRender },
      timeoutMs: 90_000,
    });
    const checks = (r.json().data as { checks: Check[] }).checks;
    const by = (id: string) => checks.find((c) => c.id === id);
    expect(by("node")?.status).toBe("ok");
    expect(by("ffmpeg")?.status).toBe("ok");
    expect(by("ffprobe")?.status).toBe("ok");
    expect(by("chromium")?.status).toBe("ok");
    expect(by("webgl")).toMatchObject({ status: "ok" });
    expect(by("webgl")?.detail).toMatch(/SwiftShader/i);
    expect(by("token:CLOUDFLARE_API_TOKEN")).toMatchObject({ status: "ok" });
    expect(by("token:RENDER_API_KEY")).toMatchObject({ status: "fail" });
    expect(by("token:RENDER_API_KEY")?.detail).toContain("22 chars; expected rnd_");
    expect(by("token:VERCEL_TOKEN")).toMatchObject({
      status: "warn",
      fix: expect.stringContaining("export VERCEL_TOKEN"),
    });
    expect(by("git:ignore")?.status).toBe("ok");
    expect(by("git:hook")).toMatchObject({
      status: "warn",
      fix: expect.stringContaining("efs vault hook install"),
    });
    expect(r.code).toBe(1); // one FAIL (the malformed Render key)
  });

  it("prints one OK/WARN/FAIL line per check with the fixing command", async () => {
    box = sandbox();
    const r = await runEfs(["--cwd", box.project, "doctor", "--no-webgl"], {
      env: box.env,
      timeoutMs: 60_000,
    });
    expect(r.stdout).toMatch(/^OK {4}Node\.js/m);
    expect(r.stdout).toMatch(/^WARN {2}git repository\s+not a git repository/m);
    expect(r.stdout).toMatch(/→ git init/);
    expect(r.stderr).toMatch(/\d+ ok, \d+ warnings, \d+ failures/);
  });

  it("--fix installs missing packages with apt-get only after confirmation, and the git guard", async () => {
    box = sandbox();
    gitInit(box.project);
    // A PATH with git and a fake apt-get, but no ffmpeg or chromium.
    const bin = join(box.home, "bin");
    mkdirSync(bin);
    symlinkSync("/usr/bin/git", join(bin, "git"));
    const log = join(box.home, "apt.log");
    writeFileSync(
      join(bin, "apt-get"),
      `#!/bin/sh\necho "$@" >> "${log}"\necho "Setting up fake packages"\n`,
      { mode: 0o755 },
    );
    const env = { ...box.env, PATH: bin };
    const refused = await runEfs(["--cwd", box.project, "doctor", "--fix", "--no-webgl"], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("fix: pass --yes");
    expect(() => readFileSync(log, "utf8")).toThrow();
    const r = await runEfs(
      ["--cwd", box.project, "doctor", "--fix", "--yes", "--no-webgl", "--json"],
      { env },
    );
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toBe("update -qq");
    expect(calls[1]).toMatch(/^install -y -qq --no-install-recommends .*\bffmpeg\b.*\bchromium\b/);
    const data = r.json().data as {
      fixed: { installed: string[]; hook: boolean };
      checks: Check[];
    };
    expect(data.fixed.installed).toContain("ffmpeg");
    expect(data.fixed.hook).toBe(true);
    expect(data.checks.find((c) => c.id === "git:hook")?.status).toBe("ok");
    expect(r.code).toBe(1); // the fake apt-get installed nothing: ffmpeg still fails on re-check
  });
});
