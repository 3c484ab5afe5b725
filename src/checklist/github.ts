// Section 8: GitHub Actions secrets for the deploy workflow (sealed boxes).
import { EfsError } from "../errors";
import { parseRepoArg, repoFromGit } from "../providers/git-remote";
import type { RepoRef } from "../providers/github";
import type { StepContext } from "./context";
import type { Step } from "./types";
import { outOfSync, varsFor } from "./vars";

// The repository the deploy workflow runs in: --github-repo, else the `origin` remote.
export async function repo(ctx: StepContext): Promise<RepoRef> {
  const given = ctx.inputs.githubRepo;
  const r = given ? parseRepoArg(given) : await repoFromGit(ctx.cwd);
  if (!r) {
    throw new EfsError(
      given
        ? `--github-repo ${given} is not owner/name`
        : "No GitHub repository: no github.com `origin` remote",
      {
        fix: "pass --github-repo owner/name",
        exitCode: 2,
      },
    );
  }
  return r;
}

export const githubStep: Step = {
  name: "github",
  title: "GitHub Actions secrets",
  needs: {
    tokens: ["GITHUB_TOKEN"],
    vars: ["VERCEL_TOKEN", "VERCEL_ORG_ID", "VERCEL_PROJECT_ID", "RENDER_DEPLOY_HOOK_URL"],
  },
  produces: [],
  pushesTo: ["github"],

  async prepare(ctx) {
    await ctx.token("GITHUB_TOKEN");
  },

  async plan(ctx) {
    const state = await ctx.vault();
    const { present, missing } = varsFor(state, "github");
    const stale = outOfSync(state, "github", present);
    const items = [
      ...present.map((v) => ({
        action: stale.includes(v) ? ("update" as const) : ("skip" as const),
        what: `secret ${v.name}`,
      })),
      ...missing.map((n) => ({
        action: "update" as const,
        what: `secret ${n} (once it is in the vault)`,
      })),
    ];
    const target =
      ctx.inputs.githubRepo ??
      (await repoFromGit(ctx.cwd).then((r) => r && `${r.owner}/${r.repo}`));
    return {
      items,
      targets: target ? [`GitHub repository ${target}`] : undefined,
      blocked: ctx.given("GITHUB_TOKEN") ? undefined : "needs GITHUB_TOKEN",
    };
  },

  async apply(ctx) {
    const r = await repo(ctx);
    const gh = await ctx.github();
    const state = await ctx.vault();
    const { present, missing } = varsFor(state, "github");
    const stale = outOfSync(state, "github", present);
    for (const v of stale) await gh.putSecret(r, v.name, v.value);
    await ctx.journal.pushed(
      "github",
      "github",
      stale.map((v) => v.name),
    );
    ctx.say(`${stale.length} secrets set on ${r.owner}/${r.repo}`);
    for (const n of missing)
      ctx.next(
        `GitHub secret ${n} is not set yet: add it to the vault (efs env set ${n}), then efs init --only github`,
      );
  },

  async verify(ctx) {
    const r = await repo(ctx);
    const names = new Set((await (await ctx.github()).listSecrets(r)).map((s) => s.name));
    const want = varsFor(await ctx.vault(), "github").present.map((v) => v.name);
    const missing = want.filter((n) => !names.has(n));
    return missing.length ? [`GitHub is missing secrets ${missing.join(", ")}`] : [];
  },
};
