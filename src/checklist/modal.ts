// Section 3: Modal — secrets r2-credentials and ethereal-auth, deploy, endpoint URLs.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ENV_CATALOG } from "@efs/core/env-catalog";
import { EfsError } from "../errors";
import type { StepContext } from "./context";
import { generateMissing } from "./generated";
import type { Step } from "./types";

const SECRETS = ["r2-credentials", "ethereal-auth"] as const;

// The variables a Modal secret holds, per the catalog's "modal:<name>" targets.
function modalSecretVars(secret: string): string[] {
  return ENV_CATALOG.filter((e) => e.targets.includes(`modal:${secret}` as never)).map(
    (e) => e.name,
  );
}

async function ensureAuthToken(ctx: StepContext): Promise<void> {
  const state = await ctx.vault();
  const fresh = generateMissing(["MODAL_AUTH_TOKEN"], (n) => state.get(n) !== undefined);
  if (Object.keys(fresh).length) {
    for (const v of Object.values(fresh)) ctx.secret(v, "MODAL_AUTH_TOKEN");
    await ctx.journal.store("modal", fresh);
    ctx.say("generated MODAL_AUTH_TOKEN");
  }
}

export const modalStep: Step = {
  name: "modal",
  title: "Modal GPU renderer",
  needs: {
    tokens: ["MODAL_TOKEN_ID + MODAL_TOKEN_SECRET (or `modal token new`)"],
    vars: modalSecretVars("r2-credentials"),
  },
  produces: ["MODAL_AUTH_TOKEN", "MODAL_ENDPOINT_URL", "MODAL_STATUS_URL"],
  pushesTo: ["modal:r2-credentials", "modal:ethereal-auth"],

  async plan(ctx) {
    const who = ctx.env.MODAL_TOKEN_ID ? "the MODAL_TOKEN_ID token" : "the ~/.modal.toml profile";
    return {
      targets: [`Modal workspace of ${who}, app ${ctx.inputs.modalAppFile}`],
      items: [
        { action: "generate", what: "MODAL_AUTH_TOKEN (once)" },
        ...SECRETS.map((s) => ({
          action: "update" as const,
          what: `Modal secret ${s} (${modalSecretVars(s).join(", ")}) with --force`,
        })),
        {
          action: "deploy",
          what: "modal deploy modal_app/app.py → MODAL_ENDPOINT_URL, MODAL_STATUS_URL",
        },
      ],
    };
  },

  async apply(ctx) {
    const appFile = ctx.inputs.modalAppFile;
    if (!existsSync(join(ctx.cwd, appFile))) {
      throw new EfsError(`${appFile} not found in ${ctx.cwd}`, {
        fix: "run efs init from the root of the Ethereal Flame Studio repository (or pass --cwd)",
      });
    }
    await ensureAuthToken(ctx);
    const modal = ctx.modalCli();
    await modal.checkToken();
    const state = await ctx.vault();
    for (const secret of SECRETS) {
      const names = modalSecretVars(secret);
      const missing = names.filter((n) => state.get(n) === undefined);
      if (missing.length) {
        throw new EfsError(`Modal secret ${secret} needs ${missing.join(", ")}`, {
          fix: "run efs init --only r2 first (or efs env set the missing variables)",
        });
      }
      await modal.createSecret(secret, Object.fromEntries(names.map((n) => [n, state.get(n)!])));
      await ctx.journal.pushed("modal", `modal:${secret}`, names);
      ctx.say(`secret ${secret} set`);
    }
    ctx.say("deploying modal_app/app.py");
    const urls = await modal.deploy(ctx.cwd, appFile);
    const submit = urls.find((u) => u.includes("ethereal-submit"));
    if (!submit)
      throw new EfsError(
        `modal deploy printed no ethereal-submit endpoint (got ${urls.join(", ")})`,
        { fix: `check the @modal.fastapi_endpoint labels in ${appFile}` },
      );
    const status =
      urls.find((u) => u.includes("ethereal-status")) ??
      submit.replace("ethereal-submit", "ethereal-status");
    await ctx.journal.record("modal", "app", submit, {
      MODAL_ENDPOINT_URL: submit,
      MODAL_STATUS_URL: status,
    });
  },

  async verify(ctx) {
    const state = await ctx.vault();
    const url = state.get("MODAL_ENDPOINT_URL") ?? "";
    return /^https:\/\/[a-z0-9-]+--[a-z0-9-]+\.modal\.run$/.test(url)
      ? []
      : ["MODAL_ENDPOINT_URL is not a modal.run endpoint"];
  },
};
