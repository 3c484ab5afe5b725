#!/usr/bin/env node
// Entry point: loads the bundled CLI (run `npm run build` once in a source checkout).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write("efs is not built yet. Run `npm run build` in the repository root.\n");
  process.exit(1);
}
await import(built.href);
