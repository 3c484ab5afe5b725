// The ordered steps of a rotation. The web app (the side that checks the webhook token)
// learns the new value first while still accepting the old one; then the senders switch;
// only after the checks pass is the old value retired.
import { ENV_CATALOG, type Target } from "@efs/core/env-catalog";
import type { RotationKind } from "./kinds";

const ORDER: readonly Target[] = [
  "vercel",
  "render",
  "modal:ethereal-auth",
  "modal:r2-credentials",
  "github",
];

// The targets holding any of `vars`, in switch-over order.
function targetsOf(vars: readonly string[]): Target[] {
  const used = new Set(ENV_CATALOG.filter((e) => vars.includes(e.name)).flatMap((e) => e.targets));
  return ORDER.filter((t) => used.has(t));
}

// Step names: create, store, push:<t> and redeploy:<t> per target, verify, retire, finish.
export function stepsFor(kind: RotationKind): string[] {
  const steps = ["create", "store"];
  for (const t of targetsOf(kind.vars)) {
    steps.push(`push:${t}`);
    if (t === "vercel" || t === "render") steps.push(`redeploy:${t}`);
  }
  steps.push("verify", "retire");
  if (kind.previousVar) steps.push("redeploy-after-retire:vercel");
  return steps;
}
