// The destroy plan as text: per section, each resource with what happens to it and why.
import type kleur from "kleur";
import type { SectionPlan } from "./types";

// The plan block (no trailing newline).
export function renderDestroyPlan(
  project: string,
  cwd: string,
  plans: readonly SectionPlan[],
  c: typeof kleur,
): string {
  const mark = {
    delete: c.red("delete"),
    keep: c.green("keep  "),
    gone: c.gray("gone  "),
  } as const;
  const lines = [`efs destroy — project ${project} (${cwd})`];
  if (plans.length === 0) lines.push("  nothing recorded by efs init");
  for (const p of plans) {
    lines.push(`${c.bold(p.section)}  ${p.title}${p.where ? ` — ${p.where}` : ""}`);
    for (const i of p.items) {
      lines.push(`  ${mark[i.action]}  ${i.what}${i.note ? c.gray(` — ${i.note}`) : ""}`);
    }
  }
  return lines.join("\n");
}
