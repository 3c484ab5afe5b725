// turso: SELECT 1 with the URL and token, the job table present, token expiry when known.
import { createClient } from "@libsql/client";
import { throwIfInterrupted } from "../errors";
import type { VerifyContext } from "../stack/context";
import { guard, missingVar } from "./guard";
import { type CheckResult, result } from "./types";

// The `exp` (unix seconds) of a JWT, or undefined when the token is not a JWT.
function jwtExpiry(token: string): number | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as {
      exp?: unknown;
    };
    return typeof payload.exp === "number" ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

function diagnose(e: unknown): { detail: string; fix: string } {
  const msg = (e as Error).message ?? String(e);
  if (/401|403|unauthori[sz]ed|forbidden|auth/i.test(msg)) {
    return {
      detail: `the database refused TURSO_AUTH_TOKEN (${msg.split("\n")[0]})`,
      fix: "mint a new token: efs rotate turso-token",
    };
  }
  return {
    detail: `cannot reach TURSO_DATABASE_URL (${msg.split("\n")[0]})`,
    fix: "check TURSO_DATABASE_URL (efs env get TURSO_DATABASE_URL) and that the database exists: turso db show <name>",
  };
}

// The turso checks.
export async function checkTurso(ctx: VerifyContext): Promise<CheckResult[]> {
  const url = ctx.get("TURSO_DATABASE_URL");
  const token = ctx.get("TURSO_AUTH_TOKEN");
  if (!url) return [missingVar("turso", "turso.query", "SELECT 1", "TURSO_DATABASE_URL")];
  if (!token && !url.startsWith("file:"))
    return [missingVar("turso", "turso.query", "SELECT 1", "TURSO_AUTH_TOKEN")];
  const out: CheckResult[] = [];
  if (token) {
    const exp = jwtExpiry(token);
    const left = exp === undefined ? undefined : exp * 1000 - ctx.now();
    if (left !== undefined && left <= 0)
      out.push(
        result(
          "turso",
          "turso.expiry",
          "token expiry",
          "fail",
          `TURSO_AUTH_TOKEN expired at ${new Date(exp! * 1000).toISOString()}`,
          "efs rotate turso-token",
        ),
      );
    else if (left !== undefined && left < 7 * 86_400_000)
      out.push(
        result(
          "turso",
          "turso.expiry",
          "token expiry",
          "warn",
          `TURSO_AUTH_TOKEN expires at ${new Date(exp! * 1000).toISOString()}`,
          "efs rotate turso-token",
        ),
      );
    else
      out.push(
        result(
          "turso",
          "turso.expiry",
          "token expiry",
          "ok",
          exp === undefined
            ? "no expiry in the token"
            : `expires ${new Date(exp * 1000).toISOString()}`,
        ),
      );
  }
  // The libsql client takes no cancel signal: Ctrl-C is honoured before it starts.
  throwIfInterrupted(ctx.signal);
  const db = createClient({ url, authToken: token });
  try {
    let reachable = false;
    out.push(
      ...(await guard("turso", "turso.query", "SELECT 1", async () => {
        try {
          const rs = await db.execute("SELECT 1 AS one");
          reachable = Number(rs.rows[0]?.one) === 1;
          return reachable
            ? result("turso", "turso.query", "SELECT 1", "ok", "the database answered")
            : result(
                "turso",
                "turso.query",
                "SELECT 1",
                "fail",
                "SELECT 1 returned no row",
                "check TURSO_DATABASE_URL",
              );
        } catch (e) {
          const d = diagnose(e);
          return result("turso", "turso.query", "SELECT 1", "fail", d.detail, d.fix);
        }
      })),
    );
    if (reachable) {
      const rs = await db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audio_prep_jobs'",
      );
      out.push(
        rs.rows.length
          ? result("turso", "turso.schema", "job table audio_prep_jobs", "ok", "present")
          : result(
              "turso",
              "turso.schema",
              "job table audio_prep_jobs",
              "fail",
              "audio_prep_jobs does not exist: neither the web app nor the worker has connected to this database yet (or they use another one)",
              "deploy the worker (efs env push --target render --redeploy) and run efs verify cross-checks: efs verify",
            ),
      );
    }
  } finally {
    db.close();
  }
  return out;
}
