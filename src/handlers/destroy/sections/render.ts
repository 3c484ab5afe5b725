// Render: the background worker efs init created (an adopted one is kept).
import type { RenderService } from "../../../providers/render";
import type { DestroySection } from "../types";

const TITLE = "Render worker";

export const renderSection: DestroySection = {
  name: "render",
  title: TITLE,
  recorded: (ctx) => ctx.record("render", "service") !== undefined,

  async plan(ctx) {
    const api = await ctx.step.render();
    const rec = ctx.record("render", "service");
    let svc: RenderService | undefined;
    if (rec?.id) svc = await api.getService(rec.id);
    else {
      // Intent without an id: a crash between the create and its record; find it by name.
      const name = ctx.step.inputs.renderService;
      const owners = ctx.step.inputs.renderOwner
        ? [{ id: ctx.step.inputs.renderOwner }]
        : await api.listOwners();
      for (const o of owners) svc ??= await api.findService(name, o.id);
    }
    const id = svc?.id ?? rec?.id ?? ctx.step.inputs.renderService;
    const d = ctx.decide("render", "service");
    return {
      section: "render",
      title: TITLE,
      items: [
        {
          key: "service",
          action: d.action === "keep" ? "keep" : svc ? "delete" : "gone",
          what: `service ${svc?.name ?? ctx.step.inputs.renderService} (${id})`,
          id,
          note: d.note,
        },
      ],
    };
  },

  async remove(ctx, item) {
    return (await ctx.step.render()).deleteService(item.id);
  },

  forget(draft, items) {
    if (items.every((i) => i.action === "keep")) return;
    draft.unset("RENDER_DEPLOY_HOOK_URL");
    for (const e of draft.entries()) draft.forgetPush(e.name, "render");
  },
};
