// The repository files step: deploy workflow, render.yaml, .env.example (local only).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { StepContext } from "./context";
import { workerRegion } from "./render";
import { TEMPLATE_FILES, type TemplateVars, writeTemplate } from "./template-files";
import type { Step } from "./types";

// render.yaml names the worker and its region as the render step creates (or found) it.
async function templateVars(ctx: StepContext): Promise<TemplateVars> {
  const worker = ctx.inputs.names.renderService;
  return {
    renderService: worker.id ? undefined : worker.value,
    renderRegion: await workerRegion(ctx),
  };
}

// True when `efs init` writes this file in this run.
function writes(ctx: StepContext, path: string): boolean {
  return ctx.inputs.overwrite || !existsSync(join(ctx.cwd, path));
}

export const templatesStep: Step = {
  name: "templates",
  title: "Repository files",
  needs: { tokens: [], vars: [] },
  produces: [],

  async plan(ctx) {
    return {
      items: TEMPLATE_FILES.map((f) => {
        const exists = existsSync(join(ctx.cwd, f.path));
        if (!exists) return { action: "write" as const, what: f.path };
        return ctx.inputs.overwrite
          ? { action: "update" as const, what: `${f.path} (--overwrite)` }
          : { action: "skip" as const, what: `${f.path} (exists; --overwrite replaces it)` };
      }),
    };
  },

  async apply(ctx) {
    const vars = writes(ctx, "render.yaml") ? await templateVars(ctx) : {};
    for (const f of TEMPLATE_FILES) {
      const outcome = writeTemplate(ctx.cwd, f, ctx.inputs.overwrite, vars);
      if (outcome === "unavailable") ctx.warn(`no template for ${f.path} in this efs build`);
      else ctx.say(`${f.path}: ${outcome}`);
    }
  },

  async verify(ctx) {
    const vars = {};
    return TEMPLATE_FILES.filter(
      (f) => f.content(vars) !== undefined && !existsSync(join(ctx.cwd, f.path)),
    ).map((f) => `${f.path} is missing`);
  },
};
