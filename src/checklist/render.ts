// Section 6: Render — worker service (adopted by name), per-key env, deploy, deploy hook.
import { EfsError } from "../errors";
import { repoFromGit } from "../providers/git-remote";
import { isServiceId, type RenderClient, type RenderService } from "../providers/render";
import { hookServiceId } from "../providers/render-hook";
import { tursoUrl } from "../providers/turso";
import type { StepContext } from "./context";
import { ensure } from "./ensure";
import { pendingIntent } from "./journal";
import {
  RENDER_REGIONS,
  type RegionChoice,
  regionChoiceFor,
  tursoLocationFromUrl,
} from "./regions";
import { pickOrg } from "./turso";
import type { PlanItem, Step } from "./types";
import { outOfSync, type TargetVar, varsFor } from "./vars";

// The worker named in the inputs; a service the vault recorded by id must still exist.
async function findWorker(
  ctx: StepContext,
  api: RenderClient,
  ownerId: string,
): Promise<RenderService | undefined> {
  const n = ctx.inputs.names.renderService;
  if (!n.id) return api.findService(n.value, ownerId);
  const svc = await api.getService(n.id);
  if (!svc)
    throw new EfsError(`Render service ${n.id} (recorded in the vault) no longer exists`, {
      fix: "pass --render-service NAME to create or adopt a worker by name",
      exitCode: 2,
    });
  return svc;
}

// Where the worker goes: --render-region, else next to the Turso database. With `lookUp`
// (and TURSO_API_TOKEN) the database's location comes from the Turso API when its URL does
// not carry it or the database is not in the vault yet.
export async function chooseRegion(ctx: StepContext, lookUp: boolean): Promise<RegionChoice> {
  const url = (await ctx.vault()).get("TURSO_DATABASE_URL");
  const first = regionChoiceFor(ctx.inputs, url);
  if (ctx.inputs.renderRegion || tursoLocationFromUrl(url)) return first;
  if (!lookUp || !ctx.given("TURSO_API_TOKEN")) return first;
  const api = await ctx.turso();
  const db = await api.getDatabase(await pickOrg(ctx, api), ctx.inputs.db);
  return regionChoiceFor(ctx.inputs, url ?? (db && tursoUrl(db)), db?.primaryRegion);
}

// The region answered in this run (asked once, whichever step needs it first).
const answered = new WeakMap<StepContext, string>();

// A new worker's region: chosen, else asked in a terminal, else a clear error.
async function regionForCreate(ctx: StepContext): Promise<string> {
  const choice = await chooseRegion(ctx, true);
  if (choice.region) return choice.region;
  const earlier = answered.get(ctx);
  if (earlier) return earlier;
  if (!ctx.prompter.interactive)
    throw new EfsError(`Cannot choose the Render region: ${choice.problem}`, {
      fix: "pass --render-region oregon|ohio|virginia|frankfurt|singapore (the one nearest your Turso database)",
      exitCode: 2,
      code: "MISSING_FLAG",
    });
  const region = await ctx.prompter.select({
    message: `Render region for the worker (${choice.problem})`,
    flag: "--render-region",
    options: RENDER_REGIONS.map((r) => ({ value: r, label: r })),
  });
  answered.set(ctx, region);
  return region;
}

// The worker's region for render.yaml: the existing worker's (a service cannot change
// region), else the one the render step will create it in.
export async function workerRegion(ctx: StepContext): Promise<string> {
  if (ctx.given("RENDER_API_KEY")) {
    const api = await ctx.render();
    const svc = await findWorker(ctx, api, await pickOwner(ctx, api));
    const region = svc?.serviceDetails?.region;
    if (typeof region === "string") return region;
  }
  return regionForCreate(ctx);
}

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
    const region = await chooseRegion(ctx, true);
    const where = region.region
      ? `in ${region.region}, ${region.because}`
      : `region: ${region.problem}`;
    const items: PlanItem[] = [
      {
        action: "create",
        what: `background worker ${name} (Docker, services/worker/Dockerfile, ${where}; adopted if it exists)`,
      },
      {
        action: "update",
        what: "worker env: every catalog variable targeted at render, one key at a time (never replace-all)",
      },
      { action: "deploy", what: "a deploy so the new env takes effect" },
      {
        action: "manual",
        what: "RENDER_DEPLOY_HOOK_URL from the service's Settings → Deploy Hook (--render-deploy-hook)",
      },
    ];
    if (!ctx.given("RENDER_API_KEY")) return { items, blocked: "needs RENDER_API_KEY" };
    const api = await ctx.render();
    const owner = await pickOwner(ctx, api);
    const svc = await findWorker(ctx, api, owner);
    const region0 = svc?.serviceDetails?.region;
    return {
      targets: [`Render workspace ${owner}, service ${svc?.id ?? name}`],
      items: [
        svc
          ? {
              action: "adopt",
              what: `service ${svc.name} (${svc.id}${region0 ? `, ${region0}` : ""})${
                region.region && region0 && region0 !== region.region
                  ? ` — note: the Turso database is next to ${region.region}; a worker cannot change region, create one there with --render-service`
                  : ""
              }`,
            }
          : items[0]!,
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
      find: () => findWorker(ctx, api, ownerId),
      create: async () => {
        // An id (from --render-service or its env twin) cannot name a new worker.
        if (isServiceId(name)) {
          throw new EfsError(`The Render service ${name} does not exist`, {
            fix: "pass --render-service <name> to create a new worker (or EFS_RENDER_SERVICE)",
            exitCode: 2,
          });
        }
        const made = await api.createWorker({
          name,
          ownerId,
          repo: await repoUrl(ctx),
          branch: ctx.inputs.branch,
          region: await regionForCreate(ctx),
          plan: ctx.inputs.renderPlan,
          dockerfilePath: "./services/worker/Dockerfile",
          dockerContext: ".",
          envVars: present.map((v) => ({ key: v.name, value: v.value })),
        });
        if (!made.adopted) firstDeploy = made.deployId ?? "queued";
        return made.service;
      },
      id: (s) => s.id,
      name: (s) => s.name,
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
    const svc = await findWorker(ctx, api, await pickOwner(ctx, api));
    if (!svc) return [`service ${ctx.inputs.renderService} does not exist`];
    const keys = new Set((await api.listEnvVars(svc.id)).map((e) => e.key));
    const missing = varsFor(await ctx.vault(), "render")
      .present.filter((v) => !keys.has(v.name))
      .map((v) => v.name);
    return missing.length ? [`Render is missing ${missing.join(", ")}`] : [];
  },
};
