// Renders a checklist plan as text (stdout for --plan, stderr before applying).
import type { Action, PlanItem, StepName } from "../../checklist/types";

export interface PlannedStep {
  readonly name: StepName;
  readonly title: string;
  readonly status: "done" | "pending" | "blocked";
  readonly items: readonly PlanItem[];
  readonly targets?: readonly string[];
  readonly blocked?: string;
  readonly needs: readonly string[];
}

const MARK: Record<Action, string> = {
  create: "+ create  ",
  adopt: "= adopt   ",
  update: "~ update  ",
  generate: "* generate",
  write: "+ write   ",
  deploy: "^ deploy  ",
  skip: "· skip    ",
  manual: "! manual  ",
};

// The plan as lines of text.
export function renderPlan(steps: readonly PlannedStep[]): string {
  const out: string[] = [];
  for (const s of steps) {
    const state =
      s.status === "done"
        ? "done — skipped (--force-step to redo)"
        : s.status === "blocked"
          ? `blocked: ${s.blocked}`
          : "changes pending";
    out.push(`${s.name.padEnd(9)} ${s.title} — ${state}`);
    for (const t of s.targets ?? []) out.push(`            target: ${t}`);
    if (s.status !== "done") {
      if (s.needs.length) out.push(`            needs: ${s.needs.join(", ")}`);
      for (const i of s.items) out.push(`    ${MARK[i.action]} ${i.what}`);
    }
  }
  return out.join("\n");
}
