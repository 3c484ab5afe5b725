#!/usr/bin/env node
// Entry point: loads the bundled CLI (run `npm run build` once in a source checkout).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const help = fileURLToPath(new URL("../dist/help.txt", import.meta.url));
const built = new URL("../dist/cli.js", import.meta.url);
if (args.length === 1 && (args[0] === "--help" || args[0] === "-h") && existsSync(help)) {
  // Fast path: plain `efs --help` prints the help text the build rendered from the CLI.
  process.stdout.write(readFileSync(help));
} else if (!existsSync(fileURLToPath(built))) {
  process.stderr.write("efs is not built yet. Run `npm run build` in the repository root.\n");
  process.exitCode = 1;
} else {
  await import(built.href);
}
