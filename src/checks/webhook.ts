// webhook: the secret's shape; the deployed webhook answers 401 to a wrong token and the
// documented 404 {error:"not_found"} to the right token with an unknown job.
import { randomBytes } from "node:crypto";
import { checkFormat } from "@efs/core/env-catalog";
import type { VerifyContext } from "../stack/context";
import { guard, missingVar } from "./guard";
import { networkReason, probe } from "./http-probe";
import { type CheckResult, result } from "./types";

// The webhook checks.
export async function checkWebhook(ctx: VerifyContext): Promise<CheckResult[]> {
  const secret = ctx.get("INTERNAL_WEBHOOK_SECRET");
  if (!secret)
    return [missingVar("webhook", "webhook.secret", "secret shape", "INTERNAL_WEBHOOK_SECRET")];
  const out: CheckResult[] = [];
  const problem = checkFormat("hex64", secret);
  out.push(
    problem
      ? result(
          "webhook",
          "webhook.secret",
          "secret shape",
          "fail",
          `INTERNAL_WEBHOOK_SECRET ${problem}`,
          "efs rotate webhook-secret",
        )
      : result(
          "webhook",
          "webhook.secret",
          "secret shape",
          "ok",
          "64 hex characters, no whitespace",
        ),
  );
  const app = ctx.get("NEXT_PUBLIC_APP_URL");
  if (!app) {
    out.push(
      missingVar("webhook", "webhook.auth", "webhook refuses a wrong token", "NEXT_PUBLIC_APP_URL"),
    );
    return out;
  }
  const url = new URL("/api/webhooks/worker", app).toString();
  const jobId = `efs-verify-${randomBytes(6).toString("hex")}`;
  const body = JSON.stringify({ jobId, status: "failed", error: "efs verify probe" });
  const post = (token: string) =>
    probe(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
      signal: ctx.signal,
    });
  const unreachable = (e: unknown) => `no answer from ${url} (${networkReason(e)})`;
  out.push(
    ...(await guard("webhook", "webhook.auth", "webhook refuses a wrong token", async () => {
      const t = "webhook refuses a wrong token";
      let p: Awaited<ReturnType<typeof probe>>;
      try {
        p = await post(randomBytes(32).toString("hex"));
      } catch (e) {
        return result(
          "webhook",
          "webhook.auth",
          t,
          "fail",
          unreachable(e),
          "check NEXT_PUBLIC_APP_URL and that the Vercel deployment is live: efs verify vercel",
        );
      }
      if (p.status === 401)
        return result("webhook", "webhook.auth", t, "ok", "HTTP 401 for a wrong token");
      if (p.status === 404 && p.json === undefined)
        return result(
          "webhook",
          "webhook.auth",
          t,
          "fail",
          `HTTP 404 from ${url}: the route is missing (old deployment?)`,
          "redeploy the web app: vercel --prod",
        );
      return result(
        "webhook",
        "webhook.auth",
        t,
        "fail",
        `HTTP ${p.status} for a wrong token — the webhook does not check the token`,
        "redeploy the web app (services/web) and check INTERNAL_WEBHOOK_SECRET is set on Vercel",
      );
    })),
  );
  if (problem) return out;
  out.push(
    ...(await guard(
      "webhook",
      "webhook.unknown-job",
      "right token, unknown job → 404",
      async () => {
        const t = "right token, unknown job → 404";
        let p: Awaited<ReturnType<typeof probe>>;
        try {
          p = await post(secret);
        } catch (e) {
          return result(
            "webhook",
            "webhook.unknown-job",
            t,
            "fail",
            unreachable(e),
            "efs verify vercel",
          );
        }
        const code = p.json as { error?: unknown; code?: unknown } | undefined;
        const errCode =
          typeof code?.error === "object" && code.error
            ? (code.error as { code?: string }).code
            : (code?.error ?? code?.code);
        if (p.status === 404 && p.json !== undefined)
          return result(
            "webhook",
            "webhook.unknown-job",
            t,
            "ok",
            `HTTP 404 ${String(errCode ?? "")} for job ${jobId}: the app accepted the vault's secret`,
          );
        if (p.status === 401)
          return result(
            "webhook",
            "webhook.unknown-job",
            t,
            "fail",
            "HTTP 401 with the vault's INTERNAL_WEBHOOK_SECRET: the deployed app holds a different value (edited on Vercel, a trailing newline, or not redeployed since the last change)",
            "efs env push --target vercel --redeploy",
          );
        if (p.status >= 500)
          return result(
            "webhook",
            "webhook.unknown-job",
            t,
            "fail",
            `HTTP ${p.status}: the app failed looking up the job (job store unreachable?)`,
            "efs verify turso; efs verify vercel",
          );
        return result(
          "webhook",
          "webhook.unknown-job",
          t,
          "fail",
          `HTTP ${p.status} instead of 404 for an unknown job`,
          "redeploy the web app (services/web)",
        );
      },
    )),
  );
  return out;
}
