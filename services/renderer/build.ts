// Builds the deployable renderer: dist/cli.js (Node, ESM) + dist/capture.js (the page).
// Run: node --import tsx services/renderer/build.ts   (Modal copies services/renderer/dist).
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleCaptureSource } from "./src/bundle";

const dist = fileURLToPath(new URL("./dist/", import.meta.url));
await mkdir(dist, { recursive: true });
await writeFile(`${dist}capture.js`, await bundleCaptureSource());
await build({
  entryPoints: [fileURLToPath(new URL("./src/cli.ts", import.meta.url))],
  outfile: `${dist}cli.js`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Native or runtime-resolved packages stay external (installed next to dist in the image).
  external: ["puppeteer-core", "esbuild", "@aws-sdk/*", "@libsql/*"],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: "warning",
});
console.log(`built ${dist}cli.js and ${dist}capture.js`);
