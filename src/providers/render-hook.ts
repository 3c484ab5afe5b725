// Render deploy hooks: secret URLs that trigger a deploy with a plain POST (the deploy
// itself is triggered by the GitHub workflow; efs only checks the URL).

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
