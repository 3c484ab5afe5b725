// Checks for the programs efs drives: Node, ffmpeg/ffprobe, Chromium, yt-dlp, python3 and
// the provider CLIs (modal, turso, vercel).
import { firstVersionLine, probe, which } from "./probe";
import type { Check, CheckContext, CheckResult, CheckStatus } from "./types";

const MIN_NODE = [20, 9] as const;

// Node.js ≥ 20.9 (this process).
export const nodeCheck: Check = async () => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    id: "node",
    title: "Node.js",
    status: ok ? "ok" : "fail",
    detail: `v${process.versions.node}${ok ? "" : ` (efs needs ≥ ${MIN_NODE.join(".")})`}`,
    fix: ok ? undefined : "install Node.js 20.9 or newer (e.g. nvm install 20)",
  };
};

interface ToolSpec {
  readonly id: string;
  readonly title: string;
  readonly names: readonly string[];
  readonly versionArgs: readonly string[];
  // WARN instead of FAIL when missing, with why it is optional.
  readonly optional?: string;
  readonly fix: string;
  readonly apt?: readonly string[];
  readonly envPath?: string;
}

const TOOLS: readonly ToolSpec[] = [
  {
    id: "ffmpeg",
    title: "ffmpeg",
    names: ["ffmpeg"],
    versionArgs: ["-version"],
    fix: "efs doctor --fix (apt-get install ffmpeg)",
    apt: ["ffmpeg"],
  },
  {
    id: "ffprobe",
    title: "ffprobe",
    names: ["ffprobe"],
    versionArgs: ["-version"],
    fix: "efs doctor --fix (apt-get install ffmpeg)",
    apt: ["ffmpeg"],
  },
  {
    id: "chromium",
    title: "Chromium",
    names: ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"],
    versionArgs: ["--version"],
    fix: "efs doctor --fix (apt-get install chromium), or set CHROMIUM_PATH",
    apt: ["chromium"],
    envPath: "CHROMIUM_PATH",
  },
  {
    id: "yt-dlp",
    title: "yt-dlp",
    names: ["yt-dlp"],
    versionArgs: ["--version"],
    optional: "needed only to ingest audio from URLs",
    fix: "efs doctor --fix (apt-get install yt-dlp) or pipx install yt-dlp",
    apt: ["yt-dlp"],
  },
  {
    id: "python3",
    title: "Python 3",
    names: ["python3"],
    versionArgs: ["--version"],
    optional: "needed only to deploy the Modal app",
    fix: "efs doctor --fix (apt-get install python3 python3-pip)",
    apt: ["python3", "python3-pip"],
  },
  {
    id: "modal",
    title: "modal CLI",
    names: ["modal"],
    versionArgs: ["--version"],
    optional: "needed only to deploy the Modal app (efs init --only modal)",
    fix: "python3 -m pip install modal",
  },
  {
    id: "turso",
    title: "turso CLI",
    names: ["turso"],
    versionArgs: ["--version"],
    optional: "optional: efs uses the Turso API with TURSO_API_TOKEN",
    fix: "curl -sSfL https://get.tur.so/install.sh | bash",
  },
  {
    id: "vercel",
    title: "vercel CLI",
    names: ["vercel"],
    versionArgs: ["--version"],
    optional: "optional: efs uses the Vercel API with VERCEL_TOKEN",
    fix: "npm install -g vercel",
  },
];

// Locates Chromium: CHROMIUM_PATH, else the usual names on PATH.
export function findChromium(env: Readonly<NodeJS.ProcessEnv>): string | null {
  const spec = TOOLS.find((t) => t.id === "chromium");
  if (env.CHROMIUM_PATH) return which(env.CHROMIUM_PATH, env);
  for (const n of spec?.names ?? []) {
    const p = which(n, env);
    if (p) return p;
  }
  return null;
}

async function toolCheck(spec: ToolSpec, ctx: CheckContext): Promise<CheckResult> {
  const path =
    spec.envPath && ctx.env[spec.envPath]
      ? which(ctx.env[spec.envPath] ?? "", ctx.env)
      : spec.names.map((n) => which(n, ctx.env)).find(Boolean);
  const missing: CheckStatus = spec.optional ? "warn" : "fail";
  if (!path) {
    return {
      id: spec.id,
      title: spec.title,
      status: missing,
      detail: `not found on PATH${spec.optional ? ` (${spec.optional})` : ""}`,
      fix: spec.fix,
      apt: spec.apt,
    };
  }
  const out = await probe(path, spec.versionArgs, ctx.env);
  if (out.code !== 0) {
    return {
      id: spec.id,
      title: spec.title,
      status: missing,
      detail: `${path} --version failed (exit ${out.code})`,
      fix: spec.fix,
      apt: spec.apt,
    };
  }
  return {
    id: spec.id,
    title: spec.title,
    status: "ok",
    detail: `${firstVersionLine(out.stdout || out.stderr)} (${path})`,
  };
}

// One check per external program.
export const toolChecks: readonly Check[] = TOOLS.map(
  (spec) => (ctx: CheckContext) => toolCheck(spec, ctx),
);
