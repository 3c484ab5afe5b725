// Section 4: generated secrets — webhook secret, Modal auth token, studio access key.
import { generateMissing } from "./generated";
import type { Step } from "./types";

const NAMES = ["INTERNAL_WEBHOOK_SECRET", "MODAL_AUTH_TOKEN", "STUDIO_ACCESS_KEY"] as const;

export const webhookStep: Step = {
  name: "webhook",
  title: "Generated secrets",
  needs: { tokens: [], vars: [] },
  produces: [...NAMES],

  async plan(ctx) {
    const state = await ctx.vault();
    return {
      items: NAMES.map((n) =>
        state.get(n)
          ? { action: "skip" as const, what: `${n} (in the vault)` }
          : { action: "generate" as const, what: n },
      ),
    };
  },

  async apply(ctx) {
    const state = await ctx.vault();
    const fresh = generateMissing(NAMES, (n) => state.get(n) !== undefined);
    for (const [n, v] of Object.entries(fresh)) ctx.secret(v, n);
    if (Object.keys(fresh).length) await ctx.journal.store("webhook", fresh);
    ctx.say(
      Object.keys(fresh).length ? `generated ${Object.keys(fresh).join(", ")}` : "all present",
    );
  },

  async verify(ctx) {
    const state = await ctx.vault();
    return NAMES.filter((n) => !state.get(n)).map((n) => `${n} is missing`);
  },
};
