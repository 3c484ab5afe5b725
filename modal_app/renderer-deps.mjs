// Lists what the renderer CLI and its capture page load statically — npm packages and workspace
// folders — so the Modal image ships exactly these: node modal_app/renderer-deps.mjs →
// {"files": N, "external": ["commander", …], "workspaces": ["services/core", …]}. Lazy imports
// of our own files (`await import("./serve")`, the local server) are not followed; lazy
// imports of npm packages from files that are reached (`await import("esbuild")`) count.
import { build } from "esbuild";

// The CLI (Node) and the capture page esbuild bundles at run time (browser).
const ENTRIES = [
  ["services/renderer/src/cli.ts", "node"],
  ["services/renderer/src/page/capture.ts", "browser"],
];
const workspacesInline = {
  name: "externals-except-workspaces",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@efs/") ? undefined : { path: args.path, external: true },
    );
  },
};
const seen = new Set();
const external = new Set();
for (const [entry, platform] of ENTRIES) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform,
    format: "esm",
    metafile: true,
    logLevel: "silent",
    plugins: [workspacesInline],
  });
  const { inputs } = result.metafile;
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of inputs[file]?.imports ?? []) {
      if (imp.kind === "dynamic-import" && !imp.external) continue;
      if (imp.external) {
        if (!imp.path.startsWith("node:")) {
          external.add(
            imp.path
              .split("/")
              .slice(0, imp.path.startsWith("@") ? 2 : 1)
              .join("/"),
          );
        }
      } else stack.push(imp.path);
    }
  }
}
const workspaces = [...new Set([...seen].map((f) => f.split("/").slice(0, 2).join("/")))].sort();
console.log(JSON.stringify({ files: seen.size, external: [...external].sort(), workspaces }));
