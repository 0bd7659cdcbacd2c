/**
 * Start-up, before the first request: checks the configuration (server/env.ts), then opens,
 * migrates and (on an empty database) seeds, then starts the scheduled jobs. A bad configuration value stops the process here with
 * a message naming the variable and what it accepts, rather than a server that answers 500 to every
 * request. NEXT_RUNTIME is Next's own marker of the runtime, not configuration.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { ConfigError, serverEnv } = await import("./server/env");
    try {
      serverEnv();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      console.error(`\n${e.message}\n\nThe server did not start. See "Configuration" in README.md.\n`);
      process.exit(1);
    }
    const { appDatabase } = await import("./db");
    const handle = await appDatabase();
    // Scheduled work (R-NOTIFY-3, decision 016): pg-boss on PostgreSQL, a timer on PGlite; JOBS=off skips.
    const { startJobs } = await import("./server/jobs/start");
    await startJobs(handle);
  }
}
