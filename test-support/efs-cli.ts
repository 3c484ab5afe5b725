// How tests start the efs CLI as a real process: the source through tsx (default) or the built
// bundle (EFS_TEST_CLI=dist, used after `npm run build`). Argv for `node`, before efs's own args.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function efsCommand(): string[] {
  return process.env.EFS_TEST_CLI === "dist"
    ? [join(REPO, "bin/efs.js")]
    : ["--import", import.meta.resolve("tsx"), join(REPO, "src/cli.ts")];
}
