// GitHub: the Actions secrets efs pushed (catalog variables with a push record to "github").
import { ENV_CATALOG } from "@efs/core/env-catalog";
import { repo } from "../../../checklist/github";
import type { VaultState } from "../../../vault/state";
import type { DestroySection } from "../types";

function pushedSecrets(state: VaultState): string[] {
  return ENV_CATALOG.filter(
    (e) => e.targets.includes("github") && state.entry(e.name)?.pushes.github !== undefined,
  ).map((e) => e.name);
}

const TITLE = "GitHub Actions secrets";

export const githubSection: DestroySection = {
  name: "github",
  title: TITLE,
  recorded: (ctx) => pushedSecrets(ctx.state).length > 0,

  async plan(ctx) {
    const r = await repo(ctx.step);
    const present = new Set((await (await ctx.step.github()).listSecrets(r)).map((s) => s.name));
    return {
      section: "github",
      title: TITLE,
      where: `repository ${r.owner}/${r.repo}`,
      items: pushedSecrets(ctx.state).map((name) => ({
        key: `secret:${name}`,
        action: present.has(name) ? "delete" : "gone",
        what: `secret ${name}`,
        id: name,
      })),
    };
  },

  async remove(ctx, item) {
    return (await ctx.step.github()).deleteSecret(await repo(ctx.step), item.id);
  },

  forget(draft, items) {
    for (const i of items) draft.forgetPush(i.id, "github");
  },
};
