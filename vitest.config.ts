import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "@": fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "") },
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", "bench/**", ".next/**", "test-results/**", "playwright-report/**"],
    // Integration files each build their own databases (PGlite in memory, a fresh PostgreSQL database).
    // Generous: the machine is shared (builds, benchmarks, browsers), and a 20,000-row export on
    // PGlite or 100 aborted COPYs can take tens of seconds under load. A hang still fails.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: one worker per core keeps PGlite start-up from starving the PostgreSQL tests.
    maxWorkers: 2,
  },
});
