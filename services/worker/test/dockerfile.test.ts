import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV_CATALOG } from "@efs/core/env-catalog";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/worker-process";

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

// Dockerfile instructions with line continuations joined; `stage` counts FROM lines.
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const [op = "", ...rest] = line.split(/\s+/);
    if (op.toUpperCase() === "FROM") stage++;
    out.push({ op: op.toUpperCase(), args: rest.join(" "), stage });
  }
  return out;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs?: number,
  cwd = REPO_ROOT,
) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    if (killAfterMs) {
      const waitStarted = setInterval(() => {
        if (out.includes("[Worker] Started")) {
          clearInterval(waitStarted);
          child.kill("SIGTERM");
        }
      }, 50);
      setTimeout(() => clearInterval(waitStarted), killAfterMs).unref();
    }
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("services/worker/Dockerfile", () => {
  let instructions: Instruction[];
  beforeAll(async () => {
    instructions = parseDockerfile(
      await readFile(join(REPO_ROOT, "services/worker/Dockerfile"), "utf8"),
    );
  });

  it("copies only paths that exist in the build context (the repo root)", () => {
    const copies = instructions.filter((i) => i.op === "COPY" && !i.args.startsWith("--from"));
    expect(copies.length).toBeGreaterThan(5);
    for (const c of copies) {
      const parts = c.args.split(/\s+/).filter((p) => !p.startsWith("--"));
      for (const src of parts.slice(0, -1))
        expect(existsSync(join(REPO_ROOT, src)), src).toBe(true);
    }
  });

  it("copies every workspace package.json before each npm ci (the lockfile needs them all)", async () => {
    const lock = JSON.parse(await readFile(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, unknown>;
    };
    const workspaces = Object.keys(lock.packages).filter((k) => /^services\/[^/]+$/.test(k));
    expect(workspaces).toContain("services/worker");
    const ciStages = instructions
      .filter((i) => i.op === "RUN" && i.args.includes("npm ci"))
      .map((i) => i.stage);
    expect(ciStages).toHaveLength(2);
    for (const stage of ciStages) {
      const copied = instructions
        .filter((i) => i.stage === stage && i.op === "COPY")
        .flatMap((i) => i.args.split(/\s+/));
      for (const ws of workspaces)
        expect(copied, `${ws} in stage ${stage}`).toContain(`${ws}/package.json`);
    }
  });

  it("runs as a non-root user with ffmpeg and yt-dlp, and installs only production deps", () => {
    const last = Math.max(...instructions.map((i) => i.stage));
    const final = instructions.filter((i) => i.stage === last);
    expect(final[0]?.args).toBe("node:24-bookworm-slim");
    // The node image's `node` user, by uid.
    expect(final.find((i) => i.op === "USER")?.args).toBe("1000:1000");
    expect(final.some((i) => i.op === "RUN" && /apt-get install .*\bffmpeg\b/.test(i.args))).toBe(
      true,
    );
    expect(final.some((i) => i.op === "COPY" && i.args.includes("/usr/local/bin/yt-dlp"))).toBe(
      true,
    );
    const ci = final.find((i) => i.op === "RUN" && i.args.includes("npm ci"))!;
    expect(ci.args).toContain("--omit=dev");
    expect(ci.args).toContain("-w @efs/worker");
  });

  it("points CMD at the bundle the tsup config builds", async () => {
    const cmd = instructions.filter((i) => i.op === "CMD").at(-1)!;
    const argv = JSON.parse(cmd.args) as string[];
    expect(argv[0]).toBe("node");
    expect(argv.at(-1)).toBe("services/worker/dist/main.js");
    const tsup = await readFile(join(REPO_ROOT, "services/worker/tsup.config.ts"), "utf8");
    expect(tsup).toContain('entry: { main: "src/main.ts" }');
    expect(tsup).toContain('outDir: "dist"');
    const built = instructions.find((i) => i.op === "COPY" && i.args.startsWith("--from=build"));
    expect(built?.args).toBe("--from=build /app/services/worker/dist services/worker/dist");
  });
});

describe("the bundled worker entry", () => {
  const outDir = join(REPO_ROOT, "services/worker/.test-artifacts", `dist-${process.pid}`);
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "efs-bundle-"));
    const tsup = join(REPO_ROOT, "node_modules/.bin/tsup");
    const built = await run(
      tsup,
      ["--config", "tsup.config.ts", "--out-dir", outDir],
      process.env,
      undefined,
      join(REPO_ROOT, "services/worker"),
    );
    expect(built.code, built.out).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it("runs with plain node: a production config missing a variable exits 1 naming it", async () => {
    const r = await run(process.execPath, [join(outDir, "main.js")], {
      PATH: process.env.PATH,
      DEPLOY_ENV: "production",
    });
    expect(r.code).toBe(1);
    expect(r.out.trim()).toMatch(/^R2_ACCOUNT_ID is required \(.*DEPLOY_ENV=production\)$/);
  });

  it("runs with plain node: starts on the local backends and exits 0 on SIGTERM", async () => {
    const r = await run(
      process.execPath,
      [join(outDir, "main.js")],
      { PATH: process.env.PATH, EFS_DATA_DIR: dataDir, WORKER_POLL_MS: "200" },
      30_000,
    );
    expect(r.out).toContain("[Worker] Started, polling every 200ms");
    expect(r.out).toContain("[Worker] Stopped");
    expect(r.code).toBe(0);
  });
});

describe("templates/render.yaml", () => {
  it("deploys the Dockerfile from the repo root and lists every variable the worker needs", async () => {
    const yaml = await readFile(join(REPO_ROOT, "templates/render.yaml"), "utf8");
    expect(yaml).toMatch(/^\s+- type: worker$/m);
    expect(yaml).toMatch(/^\s+runtime: docker$/m);
    expect(yaml).toMatch(/^\s+dockerContext: \.$/m);
    const path = /dockerfilePath: \.\/(\S+)/.exec(yaml)?.[1];
    expect(path).toBe("services/worker/Dockerfile");
    expect(existsSync(join(REPO_ROOT, path!))).toBe(true);
    const keys = [...yaml.matchAll(/- key: (\w+)/g)].map((m) => m[1]);
    const needed = ENV_CATALOG.filter((e) => e.targets.includes("render") && !e.optional).map(
      (e) => e.name,
    );
    for (const name of needed) expect(keys, name).toContain(name);
  });
});
