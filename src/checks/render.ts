// render: the worker service exists, its latest deploy is live, its env has every required
// variable, and its heartbeat in the job store is fresh ("[Worker] Started" equivalent).

import { ENV_CATALOG } from "@efs/core/env-catalog";
import { listWorkerRows } from "@efs/core/jobs/sql/workers";
import { createClient } from "@libsql/client";
import { DEPLOY_ACTIVE } from "../providers/render";
import type { VerifyContext } from "../stack/context";
import type { RemoteSnapshot } from "../stack/remote";
import { guard } from "./guard";
import { type CheckResult, result } from "./types";

// A heartbeat older than this means no worker is running (default 5 min; EFS_HEARTBEAT_MAX_AGE_MS).
export const HEARTBEAT_MAX_AGE_MS = 5 * 60_000;

// The render checks; `env` is the service env snapshot (shared with the cross checks).
export async function checkRender(
  ctx: VerifyContext,
  env: () => Promise<RemoteSnapshot>,
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const name = ctx.name("renderService").value;
  const exists = await guard("render", "render.service", "worker service exists", async () => {
    const s = await ctx.renderService();
    return s
      ? result("render", "render.service", "worker service exists", "ok", `${s.name} (${s.id})`)
      : result(
          "render",
          "render.service",
          "worker service exists",
          "fail",
          `no Render service ${name}`,
          "run efs init --only render (or pass --render-service / set EFS_RENDER_SERVICE)",
        );
  });
  out.push(...exists);
  if (exists[0]?.status === "ok") {
    out.push(
      ...(await guard("render", "render.deploy", "latest deploy is live", async () => {
        const t = "latest deploy is live";
        const s = (await ctx.renderService())!;
        const [d] = await (await ctx.render()).listDeploys(s.id, 1);
        if (!d)
          return result(
            "render",
            "render.deploy",
            t,
            "fail",
            "the service was never deployed",
            "trigger one: efs env push --target render --redeploy",
          );
        if (d.status === "live")
          return result(
            "render",
            "render.deploy",
            t,
            "ok",
            `${d.id} live since ${d.finishedAt ?? d.createdAt}`,
          );
        if (DEPLOY_ACTIVE.has(d.status))
          return result(
            "render",
            "render.deploy",
            t,
            "warn",
            `${d.id} is ${d.status}`,
            "wait for it to finish, then run efs verify render again",
          );
        return result(
          "render",
          "render.deploy",
          t,
          "fail",
          `${d.id} ended ${d.status}`,
          "open the deploy's logs in the Render dashboard (Docker build or start command failed)",
        );
      })),
      ...(await guard("render", "render.env", "required variables present", async () => {
        const t = "required variables present";
        const snap = await env();
        const need = ENV_CATALOG.filter((e) => e.targets.includes("render") && !e.optional).map(
          (e) => e.name,
        );
        const missing = need.filter((k) => !snap.vars.has(k));
        return missing.length
          ? result(
              "render",
              "render.env",
              t,
              "fail",
              `missing on the worker: ${missing.join(", ")}`,
              "efs env push --target render --redeploy",
            )
          : result("render", "render.env", t, "ok", `${need.length} variables present`);
      })),
    );
  }
  out.push(
    ...(await guard("render", "render.heartbeat", "worker heartbeat is fresh", () =>
      heartbeat(ctx),
    )),
  );
  return out;
}

async function heartbeat(ctx: VerifyContext): Promise<CheckResult> {
  const t = "worker heartbeat is fresh";
  const url = ctx.get("TURSO_DATABASE_URL");
  if (!url)
    return result(
      "render",
      "render.heartbeat",
      t,
      "fail",
      "TURSO_DATABASE_URL is not in the vault",
      "run efs init --only turso",
    );
  const maxAge = Number(ctx.env.EFS_HEARTBEAT_MAX_AGE_MS) || HEARTBEAT_MAX_AGE_MS;
  // Read-only: no migration, so verify never changes the job store.
  const db = createClient({ url, authToken: ctx.get("TURSO_AUTH_TOKEN") });
  try {
    const table = await db.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'efs_workers'",
    );
    const workers = table.rows.length ? await listWorkerRows(db) : [];
    const latest = workers[0];
    if (!latest)
      return result(
        "render",
        "render.heartbeat",
        t,
        "fail",
        'no worker has ever reported to this job store (no "[Worker] Started")',
        "check the Render logs; the worker's TURSO_DATABASE_URL/TURSO_AUTH_TOKEN must match the vault: efs verify (cross-checks)",
      );
    const age = ctx.now() - latest.lastSeenAt;
    if (age > maxAge)
      return result(
        "render",
        "render.heartbeat",
        t,
        "fail",
        `last heartbeat ${Math.round(age / 1000)} s ago from ${latest.workerId} — the worker is not running`,
        "check the Render logs for a crash loop; efs env push --target render --redeploy",
      );
    return result(
      "render",
      "render.heartbeat",
      t,
      "ok",
      `${workers.length} worker(s); last heartbeat ${Math.round(age / 1000)} s ago (${latest.workerId}, v${latest.version})`,
    );
  } finally {
    db.close();
  }
}
