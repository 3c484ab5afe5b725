// The checklist in order. Names are what --only/--from/--force-step accept.
import { githubStep } from "./github";
import { modalStep } from "./modal";
import { r2Step } from "./r2";
import { renderStep } from "./render";
import { templatesStep } from "./templates";
import { tursoStep } from "./turso";
import type { Step, StepName } from "./types";
import { vercelStep } from "./vercel";
import { webhookStep } from "./webhook";

const STEPS: readonly Step[] = [
  templatesStep,
  r2Step,
  tursoStep,
  modalStep,
  webhookStep,
  vercelStep,
  renderStep,
  githubStep,
];

export const STEP_NAMES: readonly StepName[] = STEPS.map((s) => s.name);

// Which steps a run covers, from --only / --from (validated by the caller).
export function selectSteps(only?: readonly StepName[], from?: StepName): Step[] {
  if (only?.length) return STEPS.filter((s) => only.includes(s.name));
  if (from) return STEPS.slice(STEPS.findIndex((s) => s.name === from));
  return [...STEPS];
}
