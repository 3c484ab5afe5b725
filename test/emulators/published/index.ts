// Each provider's published description, loaded once per process: GitHub and Vercel from
// npm packages, Turso, Cloudflare and Render from excerpts vendored beside this file
// (SOURCES.md says where each came from).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Provider } from "../state";
import { excerpt } from "./excerpt";
import { OpenApiDescription } from "./openapi";
import type { Description } from "./types";
import { vercelDescription } from "./vercel";

type Json = Record<string, unknown>;

const here = (file: string) => new URL(file, import.meta.url);
const vendored = (file: string) => JSON.parse(readFileSync(here(file), "utf8")) as Json;

// The GitHub paths the emulation serves (everything under them is kept).
const GITHUB_PATHS = ["/repos/{owner}/{repo}/actions/secrets"];

function github(): Description {
  const file = createRequire(import.meta.url).resolve(
    "@octokit/openapi/generated/api.github.com.json",
  );
  const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
  const cut = excerpt(doc, (p) => GITHUB_PATHS.some((x) => p === x || p.startsWith(`${x}/`)), [
    "#/components/schemas/basic-error",
  ]);
  return new OpenApiDescription(cut, {
    name: "GitHub (@octokit/openapi)",
    fallbackError: "/components/schemas/basic-error",
  });
}

const LOADERS: Record<Provider, () => Description> = {
  github,
  vercel: vercelDescription,
  turso: () =>
    new OpenApiDescription(vendored("turso.openapi.json"), {
      name: "Turso (turso-docs openapi.json)",
      fallbackError:
        "/components/responses/DatabaseNotFoundResponse/content/application~1json/schema",
    }),
  cloudflare: () =>
    new OpenApiDescription(vendored("cloudflare.openapi.json"), {
      name: "Cloudflare (api-schemas)",
      fallbackError: "/components/schemas/r2_v4_response_failure",
      // The token operations document 4XX as allOf(success envelope, failure envelope),
      // which no body can satisfy: error bodies are held to the failure envelope instead.
      errorsUseFallback: true,
    }),
  render: () =>
    new OpenApiDescription(vendored("render.openapi.json"), {
      name: "Render (render-oss/cli generated client)",
      fallbackError: "/components/schemas/error",
    }),
};

const cache = new Map<Provider, Description>();

// The published description of `provider` (loaded on first use).
export function descriptionOf(provider: Provider): Description {
  let d = cache.get(provider);
  if (!d) {
    d = LOADERS[provider]();
    cache.set(provider, d);
  }
  return d;
}
