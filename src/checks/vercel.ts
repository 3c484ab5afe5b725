// vercel: project and production URL, the URL answers, /api/health reports turso + r2
// reachable, and every required variable is set for Production.
import { ENV_CATALOG } from "@efs/core/env-catalog";
import { VERCEL_NODE_VERSION, vercelNodeState } from "../checklist/vercel-project";
import { productionUrl, type VercelProject } from "../providers/vercel";
import type { VerifyContext } from "../stack/context";
import type { RemoteSnapshot } from "../stack/remote";
import { checkConsole } from "./browser";
import { guard } from "./guard";
import { networkReason, probe } from "./http-probe";
import { type CheckResult, result } from "./types";

const NODE_FIX = `efs init --only vercel --force-step vercel (sets Node.js ${VERCEL_NODE_VERSION} and redeploys), or set Project Settings → Build and Deployment → Node.js Version to ${VERCEL_NODE_VERSION} and redeploy`;

// The project's Node.js version against Vercel's support dates: 20.x and older are discontinued.
function checkNodeVersion(project: VercelProject, now: Date): CheckResult {
  const t = "Node.js version";
  const v = project.nodeVersion ?? "unknown";
  const { state, date } = vercelNodeState(project.nodeVersion, now);
  if (state === "current") return result("vercel", "vercel.node", t, "ok", v);
  if (state === "discontinued")
    return result(
      "vercel",
      "vercel.node",
      t,
      "fail",
      `Node.js ${v} is discontinued on Vercel (since ${date}): builds of ${project.name} fail`,
      NODE_FIX,
    );
  return result(
    "vercel",
    "vercel.node",
    t,
    "warn",
    state === "deprecated"
      ? `Node.js ${v} is deprecated on Vercel and is discontinued on ${date}`
      : `Node.js ${v}: the studio is built and tested on ${VERCEL_NODE_VERSION}`,
    NODE_FIX,
  );
}

// The vercel checks; `env` is the production env snapshot (shared with the cross checks).
export async function checkVercel(
  ctx: VerifyContext,
  env: () => Promise<RemoteSnapshot>,
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  let appUrl = ctx.get("NEXT_PUBLIC_APP_URL");
  out.push(
    ...(await guard("vercel", "vercel.project", "project and production URL", async () => {
      const t = "project and production URL";
      const project = await (await ctx.vercel()).getProject(ctx.vercelProject());
      if (!project)
        return result(
          "vercel",
          "vercel.project",
          t,
          "fail",
          `project ${ctx.vercelProject()} does not exist (or VERCEL_TOKEN cannot see it)`,
          "run efs init --only vercel; for a team project set VERCEL_TEAM_ID",
        );
      const node = checkNodeVersion(project, new Date(ctx.now()));
      const prod = productionUrl(project);
      if (!prod)
        return [
          result(
            "vercel",
            "vercel.project",
            t,
            "fail",
            `project ${project.name} has no production deployment`,
            "deploy it: vercel --prod (or push to main with the deploy workflow)",
          ),
          node,
        ];
      if (
        appUrl &&
        new URL(appUrl).host !== new URL(prod).host &&
        !(project.targets?.production?.alias ?? []).includes(new URL(appUrl).host)
      )
        return [
          result(
            "vercel",
            "vercel.project",
            t,
            "warn",
            `NEXT_PUBLIC_APP_URL is ${appUrl} but the production domain is ${prod}`,
            "efs env set NEXT_PUBLIC_APP_URL to the production domain, then efs env push --redeploy",
          ),
          node,
        ];
      appUrl ??= prod;
      return [result("vercel", "vercel.project", t, "ok", `${project.name}: ${prod}`), node];
    })),
  );
  if (appUrl) {
    const base = appUrl;
    out.push(
      ...(await guard("vercel", "vercel.url", "production URL answers", async () => {
        const t = "production URL answers";
        try {
          const p = await probe(base, { signal: ctx.signal });
          return p.status < 500
            ? result("vercel", "vercel.url", t, "ok", `HTTP ${p.status} from ${base}`)
            : result(
                "vercel",
                "vercel.url",
                t,
                "fail",
                `HTTP ${p.status} from ${base}: the app fails to render (a missing env var often shows up here)`,
                "vercel logs <deployment>; then efs verify to find the missing variable",
              );
        } catch (e) {
          return result(
            "vercel",
            "vercel.url",
            t,
            "fail",
            `no answer from ${base} (${networkReason(e)})`,
            "check the domain in the Vercel dashboard",
          );
        }
      })),
      ...(await guard(
        "vercel",
        "vercel.health",
        "/api/health: turso and r2 reachable",
        async () => {
          const t = "/api/health: turso and r2 reachable";
          let p: Awaited<ReturnType<typeof probe>>;
          try {
            p = await probe(new URL("/api/health", base).toString(), { signal: ctx.signal });
          } catch (e) {
            return result(
              "vercel",
              "vercel.health",
              t,
              "fail",
              `no answer (${networkReason(e)})`,
              "efs verify vercel after the deployment is live",
            );
          }
          const h = p.json as
            | { backends?: Record<string, string>; checks?: Record<string, string> }
            | undefined;
          if (!h?.checks || !h.backends)
            return result(
              "vercel",
              "vercel.health",
              t,
              "fail",
              `HTTP ${p.status} without the health JSON: an old deployment or the wrong URL`,
              "redeploy services/web",
            );
          const problems: string[] = [];
          let fix = "";
          if (h.backends.jobStore !== "turso") {
            problems.push(`job store is ${h.backends.jobStore}, not turso`);
            fix =
              "efs env push --target vercel --redeploy (DEPLOY_ENV=production selects turso + r2)";
          }
          if (h.backends.storage !== "r2") {
            problems.push(`storage is ${h.backends.storage}, not r2`);
            fix ||=
              "efs env push --target vercel --redeploy (DEPLOY_ENV=production selects turso + r2)";
          }
          if (h.checks.db !== "ok") {
            problems.push(`db ${h.checks.db}`);
            fix ||=
              "Turso URL/token on Vercel are wrong: efs verify turso, then efs env push --target vercel --redeploy";
          }
          if (h.checks.storage !== "ok") {
            problems.push(`storage ${h.checks.storage}`);
            fix ||=
              "R2 credentials on Vercel are wrong: efs verify r2, then efs env push --target vercel --redeploy";
          }
          return problems.length
            ? result("vercel", "vercel.health", t, "fail", problems.join("; "), fix)
            : result(
                "vercel",
                "vercel.health",
                t,
                "ok",
                `jobStore turso ok, storage r2 ok (version ${(h as { version?: string }).version ?? "?"})`,
              );
        },
      )),
    );
  }
  if (appUrl) out.push(...(await checkConsole(ctx, appUrl)));
  out.push(
    ...(await guard("vercel", "vercel.env", "required variables set for Production", async () => {
      const t = "required variables set for Production";
      const snap = await env();
      const need = ENV_CATALOG.filter((e) => e.targets.includes("vercel") && !e.optional).map(
        (e) => e.name,
      );
      const missing = need.filter((k) => !snap.vars.has(k));
      if (!missing.length)
        return result("vercel", "vercel.env", t, "ok", `${need.length} variables present`);
      const only = missing.filter((k) => snap.notProduction.has(k));
      return result(
        "vercel",
        "vercel.env",
        t,
        "fail",
        `missing for Production: ${missing.join(", ")}${only.length ? ` (${only.join(", ")} set only for Preview/Development)` : ""}`,
        "efs env push --target vercel --redeploy",
      );
    })),
  );
  return out;
}
