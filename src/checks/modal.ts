// modal: the checklist's ping to MODAL_ENDPOINT_URL must get JSON; the status URL is the
// submit URL with ethereal-submit → ethereal-status; `modal app list` shows the app deployed.
import { RENDER_PING_JOB_ID } from "@efs/core/wire";
import { runCli } from "../providers/cli-run";
import type { VerifyContext } from "../stack/context";
import { guard, missingVar } from "./guard";
import { networkReason, probe } from "./http-probe";
import { type CheckResult, result } from "./types";

// The status URL derived from the submit URL (ARCHITECTURE.md env catalog).
function deriveStatusUrl(submitUrl: string): string | undefined {
  return submitUrl.includes("ethereal-submit")
    ? submitUrl.replace("ethereal-submit", "ethereal-status")
    : undefined;
}

// The modal checks.
export async function checkModal(ctx: VerifyContext): Promise<CheckResult[]> {
  const url = ctx.get("MODAL_ENDPOINT_URL");
  const token = ctx.get("MODAL_AUTH_TOKEN");
  if (!url)
    return [missingVar("modal", "modal.ping", "ping the submit endpoint", "MODAL_ENDPOINT_URL")];
  if (!token)
    return [missingVar("modal", "modal.ping", "ping the submit endpoint", "MODAL_AUTH_TOKEN")];
  const out: CheckResult[] = [];
  const title = "ping the submit endpoint";
  out.push(
    ...(await guard("modal", "modal.ping", title, async () => {
      let p: Awaited<ReturnType<typeof probe>>;
      try {
        p = await probe(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ auth_token: token, config: {}, job_id: RENDER_PING_JOB_ID }),
          signal: ctx.signal,
          timeoutMs: 60_000,
        });
      } catch (e) {
        return result(
          "modal",
          "modal.ping",
          title,
          "fail",
          `no answer from MODAL_ENDPOINT_URL (${networkReason(e)})`,
          "check the URL with efs env get MODAL_ENDPOINT_URL; redeploy with modal deploy modal_app/app.py",
        );
      }
      if (p.status === 404)
        return result(
          "modal",
          "modal.ping",
          title,
          "fail",
          "HTTP 404: no endpoint at MODAL_ENDPOINT_URL — the app is not deployed, was stopped, or the URL is from another workspace",
          "modal deploy modal_app/app.py, then efs init --only modal to record the new URL",
        );
      if (p.status === 401 || p.status === 403)
        return result(
          "modal",
          "modal.ping",
          title,
          "fail",
          `HTTP ${p.status}: the endpoint refused MODAL_AUTH_TOKEN — the Modal secret ethereal-auth holds another value`,
          "efs env push --target modal:ethereal-auth (or efs rotate modal-token)",
        );
      if (p.json === undefined)
        return result(
          "modal",
          "modal.ping",
          title,
          "fail",
          `HTTP ${p.status} with ${p.contentType || "no content type"}, not JSON: MODAL_ENDPOINT_URL is not the submit endpoint`,
          "set MODAL_ENDPOINT_URL to the …--ethereal-submit.modal.run URL printed by modal deploy",
        );
      if (p.status >= 500)
        return result(
          "modal",
          "modal.ping",
          title,
          "fail",
          `HTTP ${p.status}: ${JSON.stringify(p.json).slice(0, 200)}`,
          "modal app logs ethereal-flame-studio",
        );
      return result("modal", "modal.ping", title, "ok", `HTTP ${p.status} with a JSON answer`);
    })),
  );
  const derived = deriveStatusUrl(url);
  const stored = ctx.get("MODAL_STATUS_URL");
  if (!derived && !stored)
    out.push(
      result(
        "modal",
        "modal.status-url",
        "status URL",
        "fail",
        "MODAL_ENDPOINT_URL does not contain ethereal-submit, so the status URL cannot be derived",
        "efs env set MODAL_STATUS_URL to the …--ethereal-status.modal.run URL",
      ),
    );
  else if (stored && derived && stored !== derived)
    out.push(
      result(
        "modal",
        "modal.status-url",
        "status URL",
        "warn",
        "MODAL_STATUS_URL differs from the URL derived from MODAL_ENDPOINT_URL (submit and status from different deploys?)",
        "efs env unset MODAL_STATUS_URL to use the derived one",
      ),
    );
  else
    out.push(
      result(
        "modal",
        "modal.status-url",
        "status URL",
        "ok",
        stored ? "MODAL_STATUS_URL matches the submit URL" : "derived from MODAL_ENDPOINT_URL",
      ),
    );
  out.push(
    ...(await guard("modal", "modal.app", "modal app list shows the app deployed", async () => {
      const t = "modal app list shows the app deployed";
      const secrets = [ctx.env.MODAL_TOKEN_SECRET ?? ""].filter(Boolean);
      const res = await runCli("modal", "modal", ["app", "list", "--json"], {
        env: { ...ctx.env },
        secrets,
        timeoutMs: 60_000,
        signal: ctx.signal,
      });
      if (res.exitCode !== 0)
        return result(
          "modal",
          "modal.app",
          t,
          "warn",
          `modal app list failed (exit ${res.exitCode}): ${ctx.redactor.redact(res.stderr.trim().split("\n").pop() ?? "")}`,
          "run modal token new, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET",
        );
      let apps: { description?: string; name?: string; state?: string }[] = [];
      try {
        apps = JSON.parse(res.stdout) as typeof apps;
      } catch {
        return result(
          "modal",
          "modal.app",
          t,
          "warn",
          "modal app list --json did not print JSON (Modal CLI older than 1.5?)",
          "pip install -U modal",
        );
      }
      const app = apps.find((a) => (a.description ?? a.name ?? "").startsWith("ethereal-flame"));
      if (!app)
        return result(
          "modal",
          "modal.app",
          t,
          "fail",
          "no ethereal-flame app in this Modal workspace",
          "modal deploy modal_app/app.py",
        );
      if (app.state !== "deployed")
        return result(
          "modal",
          "modal.app",
          t,
          "fail",
          `the app is ${app.state}, not deployed`,
          "modal deploy modal_app/app.py",
        );
      return result("modal", "modal.app", t, "ok", `${app.description ?? app.name} is deployed`);
    })),
  );
  return out;
}
