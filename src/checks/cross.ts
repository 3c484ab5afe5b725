// Cross-service checks from the checklist's troubleshooting: the same Turso URL/token and
// webhook secret on Vercel and Render (values where readable, else fingerprint + updatedAt
// against our last push), DEPLOY_ENV / STORAGE_BACKEND, whitespace in stored values, and
// variables set only for Preview/Development on Vercel.
import { ENV_CATALOG } from "@efs/core/env-catalog";
import type { VerifyContext } from "../stack/context";
import type { RemoteSnapshot } from "../stack/remote";
import { guard } from "./guard";
import { type CheckResult, result } from "./types";

const SHARED = ["TURSO_DATABASE_URL", "TURSO_AUTH_TOKEN", "INTERNAL_WEBHOOK_SECRET"] as const;

type Verdict = { ok: true; how: string } | { ok: false; why: string } | { ok: null; why: string };

// Whether `snap` holds the vault's value of `key`.
function matches(ctx: VerifyContext, snap: RemoteSnapshot, key: string): Verdict {
  const want = ctx.get(key);
  const r = snap.vars.get(key);
  if (!r) return { ok: false, why: `missing on ${snap.target}` };
  if (want === undefined) return { ok: null, why: "not in the vault" };
  if (r.value !== undefined) {
    if (r.value === want) return { ok: true, how: "value" };
    if (r.value.trim() === want)
      return { ok: false, why: `the ${snap.target} value has a trailing newline/whitespace` };
    return { ok: false, why: `the ${snap.target} value differs from the vault` };
  }
  const push = ctx.vault.entry(key)?.pushes[snap.target];
  if (!push) return { ok: null, why: `write-only on ${snap.target} and never pushed by efs` };
  if (push.fingerprint !== ctx.vault.fingerprint(key))
    return { ok: false, why: `the vault changed since the last push to ${snap.target}` };
  if (push.remoteUpdatedAt && r.updatedAt && r.updatedAt > push.remoteUpdatedAt)
    return { ok: false, why: `changed on ${snap.target} at ${r.updatedAt}, after our push` };
  return { ok: true, how: "fingerprint + updatedAt" };
}

// The cross-service checks over the Vercel and Render snapshots.
export async function checkCross(
  ctx: VerifyContext,
  vercel: () => Promise<RemoteSnapshot>,
  render: () => Promise<RemoteSnapshot>,
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const key of SHARED) {
    const id = `cross.${key.toLowerCase()}`;
    const t = `${key} identical on Vercel and Render`;
    out.push(
      ...(await guard("cross", id, t, async () => {
        const snaps = [await vercel(), await render()];
        const verdicts = snaps.map((s) => ({ s, v: matches(ctx, s, key) }));
        const bad = verdicts
          .filter((x) => x.v.ok === false)
          .map((x) => (x.v as { why: string }).why);
        const unknown = verdicts
          .filter((x) => x.v.ok === null)
          .map((x) => (x.v as { why: string }).why);
        const fix = `efs env push --redeploy (pushes the vault's ${key} to both)`;
        if (bad.length) return result("cross", id, t, "fail", bad.join("; "), fix);
        if (unknown.length) return result("cross", id, t, "warn", unknown.join("; "), fix);
        const how = verdicts
          .map((x) => `${x.s.target} by ${(x.v as { how: string }).how}`)
          .join(", ");
        return result("cross", id, t, "ok", `both match the vault (${how})`);
      })),
    );
  }
  const fixed: [string, string, "vercel" | "render", () => Promise<RemoteSnapshot>][] = [
    ["DEPLOY_ENV", "production", "vercel", vercel],
    ["STORAGE_BACKEND", "r2", "render", render],
  ];
  for (const [key, want, where, snap] of fixed) {
    const id = `cross.${key.toLowerCase()}`;
    const t = `${key}=${want} on ${where}`;
    out.push(
      ...(await guard("cross", id, t, async () => {
        const r = (await snap()).vars.get(key);
        const fix = `efs env push --target ${where} --redeploy`;
        if (!r)
          return result(
            "cross",
            id,
            t,
            "fail",
            `${key} is not set on ${where}: it falls back to local backends`,
            fix,
          );
        if (r.value === undefined)
          return result(
            "cross",
            id,
            t,
            "warn",
            `${key} is write-only on ${where}; cannot read it`,
            fix,
          );
        return r.value === want
          ? result("cross", id, t, "ok", `${key}=${want}`)
          : result(
              "cross",
              id,
              t,
              "fail",
              `${key} is "${r.value.trim() === want ? `${want}` : r.value}"${r.value !== r.value.trim() ? " with surrounding whitespace" : ""}, not "${want}"`,
              fix,
            );
      })),
    );
  }
  out.push(
    ...(await guard(
      "cross",
      "cross.whitespace",
      "no whitespace or newline in stored values",
      async () => {
        const t = "no whitespace or newline in stored values";
        const bad: string[] = [];
        for (const s of [await vercel(), await render()])
          for (const r of s.vars.values())
            if (r.value !== undefined && (r.value !== r.value.trim() || /[\r\n]/.test(r.value)))
              bad.push(
                `${r.key} on ${s.target} ${/[\r\n]\s*$/.test(r.value) ? "ends with a newline" : "has surrounding whitespace"}`,
              );
        return bad.length
          ? result(
              "cross",
              "cross.whitespace",
              t,
              "fail",
              bad.join("; "),
              "efs env push --redeploy (efs never sends whitespace; `echo x | vercel env add` stores x\\n)",
            )
          : result("cross", "cross.whitespace", t, "ok", "every readable value is clean");
      },
    )),
    ...(await guard(
      "cross",
      "cross.vercel-targets",
      "Vercel variables set for Production",
      async () => {
        const t = "Vercel variables set for Production";
        const ours = new Set(
          ENV_CATALOG.filter((e) => e.targets.includes("vercel")).map((e) => e.name),
        );
        const only = [...(await vercel()).notProduction]
          .filter(([k]) => ours.has(k))
          .map(([k, ts]) => `${k} (${ts.join("/")})`);
        return only.length
          ? result(
              "cross",
              "cross.vercel-targets",
              t,
              "fail",
              `set only for Preview/Development: ${only.join(", ")}`,
              "efs env push --target vercel --redeploy (sets them for Production)",
            )
          : result(
              "cross",
              "cross.vercel-targets",
              t,
              "ok",
              "no variable is missing from Production while set elsewhere",
            );
      },
    )),
  );
  return out;
}
