// Section 6: Render — worker service (adopted by name), per-key env, deploy, deploy hook.
import { EfsError } from "../errors";
import { repoFromGit } from "../providers/git-remote";
import { isServiceId, type RenderClient } from "../providers/render";
import { hookServiceId } from "../providers/render-hook";
import type { StepContext } from "./context";
import { ensure } from "./ensure";
import { pendingIntent } from "./journal";
import type { Step } from "./types";
import { outOfSync, type TargetVar, varsFor } from "./vars";

async function pickOwner(ctx: StepContext, api: RenderClient): Promise<string> {
  if (ctx.inputs.renderOwner) return ctx.inputs.renderOwner;
  const owners = await api.listOwners();
  if (owners.length === 1) return owners[0]!.id;
  return ctx.prompter.select({
    message: "Which Render workspace?",
    flag: "--render-owner",
    options: owners.map((o) => ({ value: o.id, label: o.name, hint: `${o.type} ${o.id}` })),
  });
}

async function repoUrl(ctx: StepContext): Promise<string> {
  const repo = ctx.inputs.githubRepo
    ? { full: ctx.inputs.githubRepo }
    : await repoFromGit(ctx.cwd).then((r) => r && { full: `${r.owner}/${r.repo}` });
  if (!repo)
    throw new EfsError("Cannot create the Render service: no GitHub repository", {
      fix: "pass --github-repo owner/name (or add a github.com `origin` remote)",
    });
  return `https://github.com/${repo.full}`;
}

// The hook base accepted besides api.render.com (the emulator in tests).
function hookBase(ctx: StepContext): string | undefined {
  return ctx.endpoints.render.replace(/\/v1\/?$/, "");
}

// Stores the catalog's fixed values pushed with `vars` and records the pushes.
async function recordPushed(
  ctx: StepContext,
  state: Awaited<ReturnType<StepContext["vault"]>>,
  vars: readonly TargetVar[],
): Promise<void> {
  const fixed = Object.fromEntries(
    vars.filter((v) => state.get(v.name) === undefined).map((v) => [v.name, v.value]),
  );
  if (Object.keys(fixed).length) await ctx.journal.store("render", fixed);
  await ctx.journal.pushed(
    "render",
    "render",
    vars.map((v) => v.name),
  );
}

export const renderStep: Step = {
  name: "render",
  title: "Render worker",
  needs: { tokens: ["RENDER_API_KEY"], vars: ["NEXT_PUBLIC_APP_URL", "INTERNAL_WEBHOOK_SECRET"] },
  produces: ["RENDER_DEPLOY_HOOK_URL"],
  pushesTo: ["render"],

  async prepare(ctx) {
    await ctx.token("RENDER_API_KEY");
  },

  async plan(ctx) {
    const name = ctx.inputs.renderService;
    const items = [
      {
        action: "create" as const,
        what: `background worker ${name} (Docker, services/worker/Dockerfile; adopted if it exists)`,
      },
      {
        action: "update" as const,
        what: "worker env: every catalog variable targeted at render, one key at a time (never replace-all)",
      },
      { action: "deploy" as const, what: "a deploy so the new env takes effect" },
      {
        action: "manual" as const,
        what: "RENDER_DEPLOY_HOOK_URL from the service's Settings → Deploy Hook (--render-deploy-hook)",
      },
    ];
    if (!ctx.given("RENDER_API_KEY")) return { items, blocked: "needs RENDER_API_KEY" };
    const api = await ctx.render();
    const owner = await pickOwner(ctx, api);
    const svc = await api.findService(name, owner);
    return {
      targets: [`Render workspace ${owner}, service ${svc?.id ?? name}`],
      items: [
        svc ? { action: "adopt", what: `service ${name} (${svc.id})` } : items[0]!,
        ...items.slice(1, 3),
        ...((await ctx.vault()).get("RENDER_DEPLOY_HOOK_URL") || ctx.inputs.renderDeployHook
          ? []
          : [items[3]!]),
      ],
    };
  },

  async apply(ctx) {
    const api = await ctx.render();
    const ownerId = await pickOwner(ctx, api);
    const name = ctx.inputs.renderService;
    const state = await ctx.vault();
    const { present } = varsFor(state, "render");
    // A new worker gets its env in the create, which starts its first deploy with it.
    let firstDeploy: string | undefined;
    const { value: service, created } = await ensure(ctx, {
      step: "render",
      resource: "service",
      find: () => api.findService(name, ownerId),
      create: async () => {
        if (isServiceId(name)) {
          throw new EfsError(`The Render service ${name} recorded in the vault no longer exists`, {
            fix: "pass --render-service <name> to create a new worker (or EFS_RENDER_SERVICE)",
            exitCode: 2,
          });
        }
        const made = await api.createWorker({
          name,
          ownerId,
          repo: await repoUrl(ctx),
          branch: ctx.inputs.branch,
          region: ctx.inputs.renderRegion,
          plan: ctx.inputs.renderPlan,
          dockerfilePath: "./services/worker/Dockerfile",
          dockerContext: ".",
          envVars: present.map((v) => ({ key: v.name, value: v.value })),
        });
        if (!made.adopted) firstDeploy = made.deployId ?? "queued";
        return made.service;
      },
      id: (s) => s.id,
    });
    const sent = firstDeploy ? present : [];
    const stale = outOfSync(state, "render", present).filter((v) => !sent.includes(v));
    if (firstDeploy) {
      await recordPushed(ctx, state, sent);
      await ctx.journal.record("render", "deploy", firstDeploy);
      ctx.say(`created with ${sent.length} variables; first deploy ${firstDeploy}`);
    }
    const pending = pendingIntent((await ctx.journalState()).render?.resources.deploy);
    if (stale.length > 0 || (created && !firstDeploy) || pending) {
      // Env takes effect on the next deploy: journal it (with the newest deploy so far, to
      // find one a crashed run started) before the push, so a crash in between redeploys.
      if (!pending)
        await ctx.journal.intent("render", "deploy", await api.newestDeployId(service.id));
      for (const v of stale) await api.setEnvVar(service.id, v.name, v.value);
      await recordPushed(ctx, state, stale);
      if (stale.length) ctx.say(`set ${stale.map((v) => v.name).join(", ")}`);
      const before = (await ctx.journalState()).render?.resources.deploy?.before;
      const dep = await api.createDeploy(service.id, before);
      await ctx.journal.record("render", "deploy", dep?.id ?? "queued");
      ctx.say(`deploy ${dep?.id ?? "queued"}`);
    }
    const hook = ctx.inputs.renderDeployHook ?? state.get("RENDER_DEPLOY_HOOK_URL");
    if (!hook) {
      ctx.next(
        `Copy the deploy hook of ${name} (https://dashboard.render.com/worker/${service.id}/settings → Deploy Hook), then: efs env set RENDER_DEPLOY_HOOK_URL && efs init --only github`,
      );
      return;
    }
    const hookSvc = hookServiceId(hook, hookBase(ctx));
    if (hookSvc !== service.id) {
      throw new EfsError(
        hookSvc
          ? `RENDER_DEPLOY_HOOK_URL deploys ${hookSvc}, not the worker ${service.id}`
          : "RENDER_DEPLOY_HOOK_URL is not a Render deploy hook URL",
        {
          fix: `copy the hook from https://dashboard.render.com/worker/${service.id}/settings and pass --render-deploy-hook`,
          exitCode: 2,
        },
      );
    }
    ctx.secret(hook, "RENDER_DEPLOY_HOOK_URL");
    await ctx.journal.store("render", { RENDER_DEPLOY_HOOK_URL: hook });
  },

  async verify(ctx) {
    const api = await ctx.render();
    const svc = await api.findService(ctx.inputs.renderService, await pickOwner(ctx, api));
    if (!svc) return [`service ${ctx.inputs.renderService} does not exist`];
    const keys = new Set((await api.listEnvVars(svc.id)).map((e) => e.key));
    const missing = varsFor(await ctx.vault(), "render")
      .present.filter((v) => !keys.has(v.name))
      .map((v) => v.name);
    return missing.length ? [`Render is missing ${missing.join(", ")}`] : [];
  },
};
