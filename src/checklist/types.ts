// The checklist as data: each section is a Step with needs, plan, apply, produces, verify.
import type { Section, Target } from "@efs/core/env-catalog";
import type { StepContext } from "./context";

export type StepName = "templates" | Section;

export type Action =
  | "create"
  | "adopt"
  | "update"
  | "generate"
  | "write"
  | "deploy"
  | "skip"
  | "manual";

/** One line of a plan: what would happen to which resource. */
export interface PlanItem {
  readonly action: Action;
  readonly what: string;
}

/** A step's plan: the items, the resolved targets, and what blocks it (missing token…). */
export interface StepPlan {
  readonly items: readonly PlanItem[];
  readonly targets?: readonly string[];
  readonly blocked?: string;
}

/** What a step needs before it can run. */
interface Needs {
  // Env vars (or their flags) holding credentials, e.g. CLOUDFLARE_API_TOKEN.
  readonly tokens: readonly string[];
  // Vault variables earlier steps must have produced.
  readonly vars: readonly string[];
}

/** A checklist section. */
export interface Step {
  readonly name: StepName;
  readonly title: string;
  readonly needs: Needs;
  // Catalog variables this step writes into the vault.
  readonly produces: readonly string[];
  // Targets this step pushes vault variables to (a finished step re-runs when one is stale).
  readonly pushesTo?: readonly Target[];
  // Interactive runs only, before planning: ask for the credentials this step lacks.
  prepare?(ctx: StepContext): Promise<void>;
  plan(ctx: StepContext): Promise<StepPlan>;
  apply(ctx: StepContext): Promise<void>;
  // Read-only checks after apply; returns problems (empty = verified).
  verify(ctx: StepContext): Promise<string[]>;
}

// True when a plan changes something.
export function hasChanges(plan: StepPlan): boolean {
  return plan.items.some((i) => i.action !== "skip");
}
