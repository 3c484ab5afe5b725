// Section 5: Vercel — project, link, env (upsert, failed[] checked), deploy, app URL, CORS.
import { EfsError } from "../errors";
import {
  productionUrl,
  type VercelClient,
  type VercelEnvInput,
  type VercelProject,
} from "../providers/vercel";
import type { StepContext } from "./context";
import { ensure } from "./ensure";
import { pendingIntent } from "./journal";
import { applyCors } from "./r2";
import type { PlanItem, Step } from "./types";
import { outOfSync, varsFor } from "./vars";
import { settingsDrift, VERCEL_PROJECT_SETTINGS } from "./vercel-project";

const SETTINGS_TEXT = `Next.js, root ${VERCEL_PROJECT_SETTINGS.rootDirectory}, Node.js ${VERCEL_PROJECT_SETTINGS.nodeVersion}, files outside the root included`;

// "Node.js 20.x → 24.x, rootDirectory null → services/web".
function describeDrift(project: VercelProject, drift: ReturnType<typeof settingsDrift>): string {
  const label = (k: string) => (k === "nodeVersion" ? "Node.js" : k);
  return Object.entries(drift)
    .map(([k, v]) => `${label(k)} ${String(project[k as keyof VercelProject] ?? "unset")} → ${v}`)
    .join(", ");
}

// Brings an adopted project to the settings efs applies; true when something changed.
async function applySettings(
  ctx: StepContext,
  api: VercelClient,
  project: VercelProject,
): Promise<boolean> {
  const drift = settingsDrift(project);
  if (Object.keys(drift).length === 0) return false;
  await api.updateProject(project.id, drift);
  ctx.say(`project settings: ${describeDrift(project, drift)}`);
  return true;
}

// The project named in the inputs; a project the vault recorded by id must still exist.
async function findProject(
  ctx: StepContext,
  api: VercelClient,
): Promise<VercelProject | undefined> {
  const n = ctx.inputs.names.vercelProject;
  const project = await api.getProject(n.value);
  if (!project && n.id) {
    throw new EfsError(`Vercel project ${n.id} (VERCEL_PROJECT_ID in the vault) no longer exists`, {
      fix: "pass --vercel-project NAME to create or adopt a project by name",
      exitCode: 2,
    });
  }
  return project;
}

async function pushEnv(
  ctx: StepContext,
  api: VercelClient,
  project: VercelProject,
): Promise<number> {
  const state = await ctx.vault();
  const { present } = varsFor(state, "vercel");
  const stale = outOfSync(state, "vercel", present);
  if (stale.length === 0) return 0;
  const body: VercelEnvInput[] = stale.map((v) => ({
    key: v.name,
    value: v.value,
    type: v.secret ? "encrypted" : "plain",
    target: ["production"],
  }));
  await api.upsertEnv(project.id, body);
  // Fixed values (DEPLOY_ENV) live in the catalog, not the vault: store them to track pushes.
  const fixed = Object.fromEntries(
    stale.filter((v) => state.get(v.name) === undefined).map((v) => [v.name, v.value]),
  );
  if (Object.keys(fixed).length) await ctx.journal.store("vercel", fixed);
  await ctx.journal.pushed(
    "vercel",
    "vercel",
    stale.map((v) => v.name),
  );
  ctx.say(`set ${stale.map((v) => v.name).join(", ")}`);
  return stale.length;
}

async function deploy(
  ctx: StepContext,
  api: VercelClient,
  project: VercelProject,
  resource: "deployment" | "redeploy",
): Promise<VercelProject> {
  ctx.say("deploying to production (vercel deploy --prod)");
  if (resource === "deployment") await ctx.journal.intent("vercel", resource);
  const url = await (await ctx.vercelCli()).deployProd(ctx.cwd);
  await ctx.journal.record("vercel", resource, url);
  return (await api.getProject(project.id)) ?? project;
}

export const vercelStep: Step = {
  name: "vercel",
  title: "Vercel web app",
  needs: {
    tokens: ["VERCEL_TOKEN"],
    vars: ["R2_BUCKET_NAME", "TURSO_DATABASE_URL", "MODAL_ENDPOINT_URL", "INTERNAL_WEBHOOK_SECRET"],
  },
  produces: ["VERCEL_TOKEN", "VERCEL_ORG_ID", "VERCEL_PROJECT_ID", "NEXT_PUBLIC_APP_URL"],
  pushesTo: ["vercel"],

  async prepare(ctx) {
    await ctx.token("VERCEL_TOKEN");
  },

  async plan(ctx) {
    const name = ctx.inputs.vercelProject;
    const items = [
      {
        action: "create" as const,
        what: `project ${name} (${SETTINGS_TEXT}; adopted if it exists), linked with vercel link`,
      },
      {
        action: "update" as const,
        what: "production env: every catalog variable targeted at vercel (upsert)",
      },
      {
        action: "deploy" as const,
        what: "vercel deploy --prod when there is no production URL yet → NEXT_PUBLIC_APP_URL",
      },
      { action: "update" as const, what: "R2 CORS rule for the app origin" },
    ];
    if (!ctx.given("VERCEL_TOKEN")) return { items, blocked: "needs VERCEL_TOKEN" };
    const project = await findProject(ctx, await ctx.vercel());
    const drift = project ? settingsDrift(project) : {};
    const found: PlanItem[] = project
      ? [
          { action: "adopt", what: `project ${project.name} (${project.id})` },
          ...(Object.keys(drift).length
            ? [
                {
                  action: "update" as const,
                  what: `project settings: ${describeDrift(project, drift)} (then a redeploy)`,
                },
              ]
            : []),
        ]
      : [items[0]!];
    return {
      targets: [
        `Vercel ${ctx.inputs.vercelTeam ? `team ${ctx.inputs.vercelTeam}` : "personal account"}, project ${project?.id ?? name}`,
      ],
      items: [...found, ...items.slice(1)],
    };
  },

  async apply(ctx) {
    const api = await ctx.vercel();
    const token = await ctx.token("VERCEL_TOKEN");
    const name = ctx.inputs.vercelProject;
    const { value: created } = await ensure(ctx, {
      step: "vercel",
      resource: "project",
      find: () => findProject(ctx, api),
      create: async () => {
        // An id (from --vercel-project or its env twin) cannot name a new project.
        if (name.startsWith("prj_")) {
          throw new EfsError(`The Vercel project ${name} does not exist`, {
            fix: "pass --vercel-project <name> to create a new project (or EFS_VERCEL_PROJECT)",
            exitCode: 2,
          });
        }
        return (
          await api.createProject({
            name,
            framework: VERCEL_PROJECT_SETTINGS.framework,
            rootDirectory: VERCEL_PROJECT_SETTINGS.rootDirectory,
          })
        ).project;
      },
      id: (p) => p.id,
      name: (p) => p.name,
      values: (p) => ({ VERCEL_PROJECT_ID: p.id, VERCEL_ORG_ID: p.accountId, VERCEL_TOKEN: token }),
    });
    let project = created;
    // Node.js 24.x and the build settings, on a new project and on an adopted one alike. A
    // change reaches production only with a new build: journal the redeploy before it.
    if (Object.keys(settingsDrift(project)).length) {
      if (productionUrl(project)) await ctx.journal.intent("vercel", "redeploy");
      await applySettings(ctx, api, project);
    }
    await (await ctx.vercelCli()).link(ctx.cwd, project.name, ctx.inputs.vercelTeam);
    let appUrl = ctx.inputs.appUrl ?? productionUrl(project);
    if (!appUrl) {
      // No production URL before the first production deploy.
      await pushEnv(ctx, api, project);
      project = await deploy(ctx, api, project, "deployment");
      appUrl = productionUrl(project);
      if (!appUrl)
        throw new EfsError(`Vercel shows no production domain for ${name} after deploying`, {
          fix: "pass --app-url https://your-domain, then run efs init --from vercel",
        });
    }
    await ctx.journal.store("vercel", { NEXT_PUBLIC_APP_URL: appUrl });
    // Env (NEXT_PUBLIC_* is inlined at build time) reaches production only with a new
    // build: the redeploy is journaled before the push, so a crash in between still redeploys.
    const pending = pendingIntent((await ctx.journalState()).vercel?.resources.redeploy);
    const state = await ctx.vault();
    if (outOfSync(state, "vercel", varsFor(state, "vercel").present).length > 0) {
      await ctx.journal.intent("vercel", "redeploy");
      await pushEnv(ctx, api, project);
      await deploy(ctx, api, project, "redeploy");
    } else if (pending) {
      await deploy(ctx, api, project, "redeploy");
    }
    if (ctx.given("CLOUDFLARE_API_TOKEN") && ctx.given("CLOUDFLARE_ACCOUNT_ID")) {
      const bucket = (await ctx.vault()).get("R2_BUCKET_NAME");
      if (bucket) {
        await applyCors(await ctx.cloudflare(), bucket, appUrl);
        ctx.say(`R2 CORS allows ${appUrl}`);
      }
    } else {
      ctx.next(
        `Allow ${appUrl} in the R2 CORS rule: efs init --only r2 (with CLOUDFLARE_API_TOKEN set)`,
      );
    }
  },

  async verify(ctx) {
    const api = await ctx.vercel();
    const state = await ctx.vault();
    const project = await findProject(ctx, api);
    if (!project) return [`project ${ctx.inputs.vercelProject} does not exist`];
    const problems: string[] = [];
    const drift = settingsDrift(project);
    if (Object.keys(drift).length)
      problems.push(`project settings differ: ${describeDrift(project, drift)}`);
    const keys = new Set((await api.listEnv(project.id)).map((e) => e.key));
    const missing = varsFor(state, "vercel")
      .present.filter((v) => !keys.has(v.name))
      .map((v) => v.name);
    if (missing.length) problems.push(`Vercel is missing ${missing.join(", ")}`);
    return problems;
  },
};
