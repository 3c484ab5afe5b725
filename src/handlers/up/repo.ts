// Locates the repository checkout efs runs from (the web app, worker and renderer live there).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT_PACKAGE = "ethereal-flame-studio";

// The directory holding the root package.json, walking up from this module (src/ or dist/).
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === ROOT_PACKAGE)
          return dir;
      } catch {
        // not ours; keep walking
      }
    }
    if (dirname(dir) === dir) {
      throw new Error(`cannot find the ${ROOT_PACKAGE} checkout above ${from}`);
    }
  }
}
