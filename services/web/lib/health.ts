// The health report (contracts/health.json): backends in use and a reachability check of each.
// Check failures are reported by error name/code only, so no URL, token or message leaks.
import type { WebContext } from "./context";
import { APP_VERSION } from "./version";

export interface HealthBody {
  version: string;
  backends: { jobStore: string; storage: string; renderer: string };
  checks: { db: string; storage: string };
}

const CHECK_TIMEOUT_MS = 5_000;

// 200 when every check is ok, else 503 with the same body.
export async function healthReport(ctx: WebContext): Promise<{ status: number; body: HealthBody }> {
  const [db, storage] = await Promise.all([
    check(() => ctx.jobs.ping()),
    check(() => ctx.storage.ping()),
  ]);
  const body: HealthBody = {
    version: APP_VERSION,
    backends: {
      jobStore: ctx.config.backends.jobStore,
      storage: ctx.config.backends.storage,
      renderer: ctx.config.backends.renderer,
    },
    checks: { db, storage },
  };
  return { status: db === "ok" && storage === "ok" ? 200 : 503, body };
}

async function check(fn: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error("timeout"), { name: "Timeout" })),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([fn(), timeout]);
    return "ok";
  } catch (err) {
    return `error: ${errorLabel(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

// A short, secret-free label: an AWS/Node error code or the error class name.
function errorLabel(err: unknown): string {
  const e = err as { Code?: unknown; code?: unknown; name?: unknown } | null;
  for (const v of [e?.Code, e?.code, e?.name]) {
    if (typeof v === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(v) && v !== "Error") return v;
  }
  return "unreachable";
}
