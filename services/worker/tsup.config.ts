import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

// The worker (and the @efs/core code it uses) is bundled into one ESM file so the Docker image
// runs plain `node` without a TypeScript loader or dev dependencies. Third-party packages stay
// external: they are installed as production dependencies (@libsql/client has native bindings).
const externalizeNodeModules: Plugin = {
  name: "externalize-node-modules",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@efs/") ? undefined : { path: args.path, external: true },
    );
  },
};

export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  splitting: false,
  sourcemap: true,
  clean: true,
  outDir: "dist",
  esbuildPlugins: [externalizeNodeModules],
});
