// Vercel: the project efs init created (with its deployments and env); an adopted one is kept.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { VercelProject } from "../../../providers/vercel";
import type { DestroySection } from "../types";

const TITLE = "Vercel web app";

export const vercelSection: DestroySection = {
  name: "vercel",
  title: TITLE,
  recorded: (ctx) => ctx.record("vercel", "project") !== undefined,

  async plan(ctx) {
    const api = await ctx.step.vercel();
    const rec = ctx.record("vercel", "project");
    const name = ctx.step.inputs.vercelProject;
    const project: VercelProject | undefined = await api.getProject(rec?.id ?? name);
    const d = ctx.decide("vercel", "project");
    const id = project?.id ?? rec?.id ?? name;
    return {
      section: "vercel",
      title: TITLE,
      where: ctx.step.inputs.vercelTeam ? `team ${ctx.step.inputs.vercelTeam}` : "personal account",
      items: [
        {
          key: "project",
          action: d.action === "keep" ? "keep" : project ? "delete" : "gone",
          what: `project ${project?.name ?? name} (${id}), its deployments and environment`,
          id,
          note: d.note,
        },
      ],
    };
  },

  async remove(ctx, item) {
    const outcome = await (await ctx.step.vercel()).deleteProject(item.id);
    // `vercel link` wrote .vercel/project.json for this project: it now points nowhere.
    const file = join(ctx.step.cwd, ".vercel", "project.json");
    try {
      const linked = JSON.parse(readFileSync(file, "utf8")) as { projectId?: string };
      if (linked.projectId === item.id) rmSync(file, { force: true });
    } catch {
      // not linked here
    }
    return outcome;
  },

  forget(draft, items) {
    if (items.every((i) => i.action === "keep")) return;
    for (const n of ["VERCEL_PROJECT_ID", "VERCEL_ORG_ID", "NEXT_PUBLIC_APP_URL"]) draft.unset(n);
    for (const e of draft.entries()) draft.forgetPush(e.name, "vercel");
  },
};
