/**
 * Start-up, before the first request: checks the configuration (server/env.ts: a bad value stops
 * the server here, naming the variable), then opens, migrates and (on an empty database) seeds.
 * NEXT_RUNTIME is Next's own marker of the runtime, not configuration.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { serverEnv } = await import("./server/env");
    serverEnv();
    const { appDatabase } = await import("./db");
    await appDatabase();
  }
}
