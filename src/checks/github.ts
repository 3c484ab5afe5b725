// github: the deploy workflow's secrets are present; the workflow file exists and deploys main.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENV_CATALOG } from "@efs/core/env-catalog";
import type { VerifyContext } from "../stack/context";
import type { RemoteSnapshot } from "../stack/remote";
import { guard } from "./guard";
import { type CheckResult, result } from "./types";

const WORKFLOW = ".github/workflows/deploy.yml";

// Whether a workflow's `on.push.branches` includes `branch` (block or flow style).
function workflowTargets(text: string, branch: string): boolean {
  const flow = /branches:\s*\[([^\]]*)\]/.exec(text);
  if (flow) return flow[1]!.split(",").some((b) => b.trim().replace(/^["']|["']$/g, "") === branch);
  const block = /branches:\s*\n((?:\s+-\s*.+\n?)+)/.exec(text);
  return block
    ? block[1]!.split("\n").some(
        (l) =>
          l
            .trim()
            .replace(/^-\s*/, "")
            .replace(/^["']|["']$/g, "") === branch,
      )
    : false;
}

// The github checks.
export async function checkGitHub(
  ctx: VerifyContext,
  env: () => Promise<RemoteSnapshot>,
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  out.push(
    ...(await guard("github", "github.secrets", "deploy secrets present", async () => {
      const t = "deploy secrets present";
      const snap = await env();
      const need = ENV_CATALOG.filter((e) => e.targets.includes("github")).map((e) => e.name);
      const missing = need.filter((k) => !snap.vars.has(k));
      return missing.length
        ? result(
            "github",
            "github.secrets",
            t,
            "fail",
            `${snap.where} lacks ${missing.join(", ")}`,
            "efs env push --target github",
          )
        : result(
            "github",
            "github.secrets",
            t,
            "ok",
            `${need.length} secrets present in ${snap.where}`,
          );
    })),
  );
  const t = "workflow file present and deploys main";
  const branch = ctx.env.EFS_BRANCH || "main";
  let text: string | undefined;
  try {
    text = readFileSync(join(ctx.cwd, WORKFLOW), "utf8");
  } catch {
    text = undefined;
  }
  if (text === undefined)
    out.push(
      result(
        "github",
        "github.workflow",
        t,
        "fail",
        `${WORKFLOW} does not exist`,
        "run efs init --only templates, commit and push it",
      ),
    );
  else if (!workflowTargets(text, branch))
    out.push(
      result(
        "github",
        "github.workflow",
        t,
        "fail",
        `${WORKFLOW} does not run on pushes to ${branch}`,
        `set on.push.branches: [${branch}] in ${WORKFLOW}`,
      ),
    );
  else
    out.push(
      result("github", "github.workflow", t, "ok", `${WORKFLOW} runs on pushes to ${branch}`),
    );
  return out;
}
