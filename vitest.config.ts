import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "services/*/test/**/*.test.ts"],
    // Tests needing the CI tools (.ci/tools) run under vitest.tools.config.ts.
    exclude: [...configDefaults.exclude, "**/*.tools.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
