import { defineConfig } from "tsup";

// The CLI is bundled into dist/ so `efs` starts without a TypeScript loader.
// Each command is a separate entry chunk, loaded lazily by src/cli.ts.
export default defineConfig({
  entry: ["src/cli.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  splitting: true,
  sourcemap: true,
  clean: true,
  outDir: "dist",
});
