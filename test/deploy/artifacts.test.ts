// The deployable artifacts, checked by the tools that judge them: every deployed target on
// the same Node.js major, actionlint on the deploy workflow, hadolint on the worker image,
// and render.yaml against Render's Blueprint spec. actionlint, shellcheck and hadolint come
// from requirements-test.txt (pip), like SeaweedFS.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ENV_CATALOG } from "@efs/core/env-catalog";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULTS } from "../../src/checklist/inputs";
import { CHECKLIST_NAMES } from "../../src/checklist/names";
import { RENDER_REGIONS, renderRegionFor } from "../../src/checklist/regions";
import { renderYaml } from "../../src/checklist/template-files";
import { DEPLOYED_NODE_MAJOR, VERCEL_PROJECT_SETTINGS } from "../../src/checklist/vercel-project";

const ROOT = join(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const run = promisify(execFile);

// Runs a linter from requirements-test.txt; a missing one fails naming the install.
async function lint(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd: ROOT });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    if (err.code === "ENOENT")
      throw new Error(
        `${cmd} is not installed: python3 -m pip install -r requirements-test.txt (then pyenv rehash)`,
      );
    return { code: Number(err.code), out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

describe("every deployed target runs the same Node.js major", () => {
  const major = String(DEPLOYED_NODE_MAJOR);

  it("Vercel project settings, worker image, Modal image and deploy workflow agree on it", () => {
    expect(VERCEL_PROJECT_SETTINGS.nodeVersion).toBe(`${major}.x`);
    const dockerNode = [...read("services/worker/Dockerfile").matchAll(/^FROM (node:\S+)/gm)].map(
      (m) => m[1],
    );
    expect(dockerNode).toEqual([`node:${major}-bookworm-slim`, `node:${major}-bookworm-slim`]);
    expect(read("modal_app/app.py")).toMatch(
      new RegExp(`^NODE_IMAGE = "node:${major}-bookworm-slim"$`, "m"),
    );
    const wf = parse(read("templates/deploy.yml")) as {
      jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    const setups = Object.values(wf.jobs)
      .flatMap((j) => j.steps ?? [])
      .filter((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setups.length).toBeGreaterThan(0);
    for (const s of setups) expect(String(s.with?.["node-version"])).toBe(major);
  });
});

describe("linters on the deploy artifacts", () => {
  it("actionlint (with shellcheck on the run: scripts) passes on templates/deploy.yml", async () => {
    await lint("shellcheck", ["--version"]);
    const r = await lint("actionlint", ["-no-color", "templates/deploy.yml"]);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });

  it("actionlint reports a broken workflow (the check can fail)", async () => {
    const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
    const dir = await mkdtemp(join(tmpdir(), "efs-actionlint-"));
    try {
      const bad = read("templates/deploy.yml").replace("runs-on: ubuntu-latest", "runs-on: 42");
      await writeFile(join(dir, "deploy.yml"), bad.replace("node-version: 24", "node-verison: 24"));
      const r = await lint("actionlint", ["-no-color", join(dir, "deploy.yml")]);
      expect(r.code).toBe(1);
      expect(r.out).toContain("node-verison");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("hadolint finds nothing in services/worker/Dockerfile", async () => {
    const r = await lint("hadolint", ["--no-color", "services/worker/Dockerfile"]);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });
});

// The keys Render's Blueprint spec allows on a Docker worker, and on an env var entry.
const WORKER_KEYS = new Set([
  "type",
  "name",
  "runtime",
  "repo",
  "branch",
  "region",
  "plan",
  "numInstances",
  "scaling",
  "dockerfilePath",
  "dockerContext",
  "dockerCommand",
  "registryCredential",
  "image",
  "preDeployCommand",
  "autoDeployTrigger",
  "buildFilter",
  "rootDir",
  "disk",
  "envVars",
  "maxShutdownDelaySeconds",
]);
const PLANS = ["starter", "standard", "pro", "pro plus", "pro max", "pro ultra"];

type EnvVarSpec = Record<string, unknown> & { key?: string };
type WorkerSpec = Record<string, unknown> & { envVars: EnvVarSpec[] };

// The problems of one Blueprint file against the spec (empty = valid).
function blueprintProblems(text: string): string[] {
  const doc = parse(text) as { services?: WorkerSpec[] };
  const problems: string[] = [];
  const services = doc.services ?? [];
  if (services.length !== 1) problems.push(`expected one service, got ${services.length}`);
  for (const s of services) {
    for (const k of Object.keys(s)) if (!WORKER_KEYS.has(k)) problems.push(`unknown key ${k}`);
    if (s.type !== "worker") problems.push(`type ${s.type}`);
    if (s.runtime !== "docker") problems.push(`runtime ${s.runtime}`);
    if (!(RENDER_REGIONS as readonly unknown[]).includes(s.region))
      problems.push(`region ${s.region}`);
    if (!PLANS.includes(String(s.plan))) problems.push(`plan ${s.plan}`);
    if (!["commit", "checksPass", "off"].includes(String(s.autoDeployTrigger)))
      problems.push(`autoDeployTrigger ${s.autoDeployTrigger}`);
    const context = join(ROOT, String(s.dockerContext));
    if (!existsSync(context)) problems.push(`dockerContext ${s.dockerContext}`);
    if (!existsSync(join(ROOT, String(s.dockerfilePath))))
      problems.push(`dockerfilePath ${s.dockerfilePath}`);
    for (const e of s.envVars) {
      const kinds = ["value", "sync", "generateValue", "fromGroup", "fromService", "fromDatabase"];
      const has = kinds.filter((k) => k in e);
      if (has.length !== 1 || (!e.key && !e.fromGroup))
        problems.push(`env var ${JSON.stringify(e)}`);
      if ("sync" in e && e.sync !== false) problems.push(`${e.key}: sync must be false`);
      if ("value" in e && typeof e.value !== "string")
        problems.push(`${e.key}: value not a string`);
    }
  }
  return problems;
}

describe("templates/render.yaml follows Render's Blueprint spec", () => {
  const text = read("templates/render.yaml");
  const worker = (parse(text) as { services: WorkerSpec[] }).services[0]!;

  it("is a Docker worker under the checklist's name, next to the default Turso location", () => {
    expect(blueprintProblems(text)).toEqual([]);
    expect(worker).toMatchObject({
      type: "worker",
      name: CHECKLIST_NAMES.renderService,
      runtime: "docker",
      dockerfilePath: "./services/worker/Dockerfile",
      dockerContext: ".",
      region: renderRegionFor(DEFAULTS.region),
    });
  });

  it("asks for every secret (sync: false) and never carries a value for one", () => {
    const byKey = new Map(worker.envVars.map((e) => [e.key, e]));
    const secrets = ENV_CATALOG.filter((e) => e.targets.includes("render") && e.secret);
    expect(secrets.length).toBeGreaterThan(3);
    for (const e of secrets)
      expect(byKey.get(e.name), e.name).toEqual({ key: e.name, sync: false });
  });

  it("stays valid with the name and region efs init fills in", () => {
    const filled = renderYaml(text, { renderService: "my-worker", renderRegion: "frankfurt" });
    expect(blueprintProblems(filled)).toEqual([]);
    expect((parse(filled) as { services: WorkerSpec[] }).services[0]).toMatchObject({
      name: "my-worker",
      region: "frankfurt",
    });
    expect(blueprintProblems(filled.replace("runtime: docker", "runtime: node"))).toEqual([
      "runtime node",
    ]);
    expect(blueprintProblems(filled.replace("region: frankfurt", "region: tokyo"))).toEqual([
      "region tokyo",
    ]);
  });
});
