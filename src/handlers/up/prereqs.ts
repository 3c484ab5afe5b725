// `efs up` prerequisites: Node, ffmpeg/ffprobe and Chromium, probed with the doctor's checks;
// missing system packages are installed with apt-get after confirmation (`--yes`).

import { EfsError } from "../../errors";
import type { Runtime } from "../../runtime";
import { nodeCheck, toolChecks } from "../../system/checks-tools";
import { applyFixes } from "../../system/fix";
import type { CheckResult } from "../../system/types";

const NEEDED = new Set(["node", "ffmpeg", "ffprobe", "chromium"]);

async function probeAll(rt: Runtime): Promise<CheckResult[]> {
  const ctx = { cwd: rt.cwd, env: rt.env, signal: rt.signal, webgl: false };
  const results: CheckResult[] = [];
  for (const check of [nodeCheck, ...toolChecks.slice(0, 3)]) {
    const r = await check(ctx);
    results.push(...(Array.isArray(r) ? r : [r]).filter((x) => NEEDED.has(x.id)));
  }
  return results;
}

// Checks the tools; offers to install what is missing; throws naming what is still missing.
export async function ensurePrerequisites(rt: Runtime): Promise<CheckResult[]> {
  let results = await probeAll(rt);
  const missing = results.filter((r) => r.status !== "ok");
  if (missing.length === 0) return results;
  for (const m of missing) rt.out.warn(`${m.title}: ${m.detail}`);
  const node = missing.find((m) => m.id === "node");
  if (node) throw new EfsError(`Node.js is too old: ${node.detail}`, { fix: node.fix });
  await applyFixes(rt, missing);
  results = await probeAll(rt);
  const still = results.filter((r) => r.status !== "ok");
  if (still.length > 0) {
    throw new EfsError(`still missing: ${still.map((r) => r.title).join(", ")}`, {
      fix: still[0]?.fix ?? "efs doctor --fix",
      code: "PREREQUISITES",
    });
  }
  return results;
}
