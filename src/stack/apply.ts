// Applies a target's plan one key at a time (Vercel upsert checking failed[], Render per-key
// PUT, GitHub sealed boxes, Modal `secret create --force` from a 0600 file), reads back what
// the API allows, and records fingerprint + remote updatedAt in the vault.
import type { Target } from "@efs/core/env-catalog";
import { EfsError } from "../errors";
import type { Vault } from "../vault/vault";
import type { VerifyContext } from "./context";
import type { DesiredVar } from "./desired";
import type { PlanItem } from "./plan";
import { readRemote } from "./remote";

/** What applying one target did. */
export interface ApplyOutcome {
  readonly target: Target;
  readonly written: string[];
  readonly pruned: string[];
  // Keys whose read-back did not match (value differs after the write).
  readonly mismatched: string[];
}

const WRITE: ReadonlySet<string> = new Set(["add", "change", "unverifiable"]);

// Applies `items` for one target and records the pushes.
export async function applyTarget(
  ctx: VerifyContext,
  vault: Vault,
  target: Target,
  desired: readonly DesiredVar[],
  items: readonly PlanItem[],
  prune: boolean,
): Promise<ApplyOutcome> {
  const byKey = new Map(desired.map((d) => [d.key, d]));
  const write = items.filter((i) => WRITE.has(i.action)).map((i) => byKey.get(i.key)!);
  // GitHub secrets are never pruned (the API client has no delete; the workflow owns them).
  const drop =
    prune && target !== "github"
      ? items.filter((i) => i.action === "remote-only").map((i) => i.key)
      : [];
  if (write.length === 0 && drop.length === 0)
    return { target, written: [], pruned: [], mismatched: [] };

  if (target === "vercel") await writeVercel(ctx, write, drop);
  else if (target === "render") await writeRender(ctx, write, drop);
  else if (target === "github") await writeGitHub(ctx, write);
  // A Modal secret is replaced as a whole: send every key it should hold.
  else await ctx.modalCli().createSecret(target.slice("modal:".length), toRecord(desired));

  const sent = target.startsWith("modal:") ? [...desired] : write;
  const after = await readRemote(ctx, target);
  const mismatched = sent
    .filter((d) => {
      const r = after.vars.get(d.key);
      if (!after.listable) return false;
      return !r || (r.value !== undefined && r.value !== d.value);
    })
    .map((d) => d.key);
  await vault.update((draft) => {
    for (const d of sent) {
      if (mismatched.includes(d.key)) continue;
      if (d.fixed && draft.get(d.key) !== d.value) draft.set(d.key, d.value, { source: "fixed" });
      draft.recordPush(d.key, target, {
        remoteUpdatedAt: after.vars.get(d.key)?.updatedAt ?? null,
      });
    }
    for (const k of drop) if (draft.get(k) !== undefined) draft.forgetPush(k, target);
    // Keys the target already held with the vault's value (read back) are adopted as pushed.
    for (const d of desired) {
      const r = after.vars.get(d.key);
      if (sent.includes(d) || r?.value !== d.value || draft.get(d.key) === undefined) continue;
      if (draft.inSync(d.key, target) !== true)
        draft.recordPush(d.key, target, { remoteUpdatedAt: r.updatedAt ?? null });
    }
  });
  if (mismatched.length) {
    throw new EfsError(
      `${after.where}: read-back after the push does not match the vault for ${mismatched.join(", ")}`,
      {
        fix: `run efs env status --target ${target} and check the dashboard for edits racing the push`,
      },
    );
  }
  return { target, written: sent.map((d) => d.key), pruned: drop, mismatched };
}

function toRecord(vars: readonly DesiredVar[]): Record<string, string> {
  return Object.fromEntries(vars.map((d) => [d.key, d.value]));
}

async function writeVercel(ctx: VerifyContext, write: DesiredVar[], drop: string[]) {
  const api = await ctx.vercel();
  const project = ctx.vercelProject();
  if (write.length) {
    await api
      .upsertEnv(
        project,
        write.map((d) => ({
          key: d.key,
          value: d.value,
          type: d.secret ? "encrypted" : "plain",
          target: ["production"],
        })),
      )
      .catch((e: unknown) => {
        throw ctx.vercelNotFound(e);
      });
  }
  if (drop.length) {
    for (const e of await api.listEnv(project))
      if (drop.includes(e.key)) await api.deleteEnv(project, e.id);
  }
}

async function writeRender(ctx: VerifyContext, write: DesiredVar[], drop: string[]) {
  const api = await ctx.render();
  const service = await ctx.renderService();
  if (!service)
    throw new EfsError("Render service not found", { fix: "run efs init --only render" });
  // Per-key PUT only: the collection PUT replaces the whole set and deletes other keys.
  for (const d of write) await api.setEnvVar(service.id, d.key, d.value);
  for (const k of drop) await api.deleteEnvVar(service.id, k);
}

async function writeGitHub(ctx: VerifyContext, write: DesiredVar[]) {
  const repo = await ctx.githubRepo();
  if (!repo)
    throw new EfsError("No GitHub repository", { fix: "set GITHUB_REPOSITORY=owner/name" });
  const api = await ctx.github();
  for (const d of write) await api.putSecret(repo, d.key, d.value);
}
