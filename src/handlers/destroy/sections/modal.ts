// Modal: the app efs init deployed from modal_app/app.py and the two secrets it wrote.
import { MODAL_APP_NAME } from "../../../providers/modal-cli";
import type { DestroySection } from "../types";

const SECRETS = ["r2-credentials", "ethereal-auth"] as const;

const TITLE = "Modal GPU renderer";

export const modalSection: DestroySection = {
  name: "modal",
  title: TITLE,
  recorded: (ctx) => ctx.init.modal !== undefined,

  async plan(ctx) {
    const cli = ctx.step.modalCli();
    const app = (await cli.listApps()).find((a) => a.name === MODAL_APP_NAME);
    return {
      section: "modal",
      title: TITLE,
      items: [
        {
          key: "app",
          action: app && app.state !== "stopped" ? "delete" : "gone",
          what: `app ${MODAL_APP_NAME} (stopped: its endpoints and running renders end)`,
          id: MODAL_APP_NAME,
        },
        ...SECRETS.map((s) => ({
          key: `secret:${s}`,
          action: "delete" as const,
          what: `secret ${s}`,
          id: s,
        })),
      ],
    };
  },

  async remove(ctx, item) {
    const cli = ctx.step.modalCli();
    if (item.key === "app") return cli.stopApp(item.id);
    await cli.deleteSecret(item.id);
    return "deleted";
  },

  forget(draft) {
    for (const n of ["MODAL_ENDPOINT_URL", "MODAL_STATUS_URL"]) draft.unset(n);
    for (const e of draft.entries()) {
      for (const s of SECRETS) draft.forgetPush(e.name, `modal:${s}`);
    }
  },
};
