// The repository files step: deploy workflow, render.yaml, .env.example (local only).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TEMPLATE_FILES, writeTemplate } from "../init/templates";
import type { Step } from "./types";

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
    for (const f of TEMPLATE_FILES) {
      const outcome = writeTemplate(ctx.cwd, f, ctx.inputs.overwrite);
      if (outcome === "unavailable") ctx.warn(`no template for ${f.path} in this efs build`);
      else ctx.say(`${f.path}: ${outcome}`);
    }
  },

  async verify(ctx) {
    return TEMPLATE_FILES.filter(
      (f) => f.content() !== undefined && !existsSync(join(ctx.cwd, f.path)),
    ).map((f) => `${f.path} is missing`);
  },
};
