import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const dataDir = process.env.E2E_PGLITE_DIR ?? path.join(tmpdir(), `voucher-console-e2e-${Date.now()}`);

/**
 * e2e against a production build (`npm run build` runs before this) served by the Node entry
 * `npm start` runs (server/main.ts, decision 017), in Debian's Chromium.
 */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    acceptDownloads: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // A fresh embedded database each run: this is the README's zero-setup path.
    // The entry is rebuilt first (esbuild, under a second) so it always matches the source.
    command: `npm run -s build:server && node dist/server.mjs -p ${PORT}`,
    env: { PGLITE_DIR: dataDir, DATABASE_URL: "", SEED_DEMO: "true" },
    url: `http://127.0.0.1:${PORT}/sign-in`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
