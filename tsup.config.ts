import { defineConfig } from "tsup";

// The CLI is bundled into dist/ so `efs` starts without a TypeScript loader.
// Each command is a separate entry chunk, loaded lazily by src/cli.ts.
// commander and kleur (needed by every run, incl. `efs --help`) are bundled in: loading
// CommonJS from ESM costs ~50 ms of startup on Node 20 (see bench/cli.ts). The banner gives
// bundled CommonJS code the `require` it uses for Node built-ins.
export default defineConfig({
  entry: ["src/cli.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  splitting: true,
  sourcemap: true,
  clean: true,
  outDir: "dist",
  noExternal: ["commander", "kleur"],
  banner: {
    js: 'import { createRequire as __efsCreateRequire } from "node:module"; const require = __efsCreateRequire(import.meta.url);',
  },
});
