// Provider API base URLs; each can be pointed elsewhere (tests, proxies) through env.

export interface Endpoints {
  readonly cloudflare: string;
  readonly turso: string;
  readonly vercel: string;
  readonly render: string;
  readonly github: string;
}

const DEFAULTS: Endpoints = {
  cloudflare: "https://api.cloudflare.com/client/v4",
  turso: "https://api.turso.tech",
  vercel: "https://api.vercel.com",
  render: "https://api.render.com/v1",
  github: "https://api.github.com",
};

// Reads EFS_<PROVIDER>_API_URL overrides once, at the edge.
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): Endpoints {
  return Object.freeze({
    cloudflare: env.EFS_CLOUDFLARE_API_URL || DEFAULTS.cloudflare,
    turso: env.EFS_TURSO_API_URL || DEFAULTS.turso,
    vercel: env.EFS_VERCEL_API_URL || DEFAULTS.vercel,
    render: env.EFS_RENDER_API_URL || DEFAULTS.render,
    github: env.EFS_GITHUB_API_URL || DEFAULTS.github,
  });
}
