// Next.js config for the studio. Built from the monorepo with services/web as the root
// directory (Vercel: "Include files outside the root directory" on), so the workspace
// packages (@efs/core, @efs/visual: TypeScript sources with extensionless imports) are
// transpiled here, and modules with native or dynamic parts stay external to the bundle.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const here = dirname(fileURLToPath(import.meta.url));
const monorepoRoot = resolve(here, "../..");

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ["@efs/core", "@efs/visual"],
  // @libsql/client picks its native `libsql` binding for file: URLs (local, efs up) and pure
  // HTTP/WebSocket for libsql:// (Turso on Vercel); both must be required at runtime, not bundled.
  serverExternalPackages: [
    "@libsql/client",
    "libsql",
    "@aws-sdk/client-s3",
    "@aws-sdk/lib-storage",
    "@aws-sdk/s3-request-presigner",
  ],
  outputFileTracingRoot: monorepoRoot,
  turbopack: {
    root: monorepoRoot,
    resolveExtensions: [".tsx", ".ts", ".jsx", ".js", ".mjs", ".json"],
  },
  webpack: (webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    webpackConfig.resolve.extensionAlias = {
      ".js": [".ts", ".tsx", ".js"],
    };
    return webpackConfig;
  },
};

export default config;
