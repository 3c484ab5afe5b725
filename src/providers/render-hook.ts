// Render deploy hooks: secret URLs that trigger a deploy with a plain POST.

import { redact as mask } from "@efs/core/secret";
import { createHttp } from "./http";

const HOOK = /^https:\/\/api\.render\.com\/deploy\/(srv-[a-z0-9]+)\?key=[A-Za-z0-9_-]+$/;

// Returns the service id a hook URL deploys, or null when the URL is not a Render hook.
export function hookServiceId(url: string, allowBase?: string): string | null {
  const m = HOOK.exec(url);
  if (m) return m[1] ?? null;
  if (allowBase && url.startsWith(`${allowBase}/deploy/`)) {
    return /\/deploy\/(srv-[a-z0-9]+)\?key=/.exec(url)?.[1] ?? null;
  }
  return null;
}

// Triggers a deploy through the hook (rate limit: 10/min per service).
export async function triggerDeployHook(url: string): Promise<void> {
  const u = new URL(url);
  const http = createHttp({
    provider: "render",
    baseUrl: u.origin,
    headers: {},
    secrets: [url, u.searchParams.get("key") ?? ""],
    parseError: (b) => ({ message: (b as { message?: string } | undefined)?.message }),
    hint: () =>
      `check RENDER_DEPLOY_HOOK_URL (${mask(url)}): copy it from the service's Settings → Deploy Hook`,
  });
  await http.request("POST", u.pathname + u.search, { operation: "trigger the deploy hook" });
}
