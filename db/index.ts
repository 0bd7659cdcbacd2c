import { mkdirSync } from "node:fs";
import path from "node:path";
import { serverEnv } from "@/server/env";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "./client";
import { seedIfEmpty } from "./seed";

/**
 * The application's database, opened lazily once per process (never at module load:
 * `next build` imports route files). Kept on globalThis so every bundle that Next
 * builds shares one PGlite instance: its data folder allows a single opener.
 */
const KEY = Symbol.for("voucher-console.db");
type Holder = { [KEY]?: Promise<DatabaseHandle> };

export function appDatabase(): Promise<DatabaseHandle> {
  const g = globalThis as Holder;
  g[KEY] ??= (async () => {
    const env = serverEnv();
    if (env.pgliteDir) mkdirSync(path.dirname(path.resolve(env.pgliteDir)), { recursive: true });
    const handle = await openDatabase({
      url: env.databaseUrl,
      pgliteDir: env.pgliteDir,
      poolMax: env.pgPoolMax,
    });
    await migrateDatabase(handle);
    if (env.seedDemo) await seedIfEmpty(handle.db);
    return handle;
  })().catch((e: unknown) => {
    // PostgreSQL was unreachable at start: the next request tries again instead of failing for ever.
    delete g[KEY];
    throw e;
  });
  return g[KEY];
}

/** Makes `handle` the process's database, before any request (a benchmark's server with another driver). */
export function provideAppDatabase(handle: DatabaseHandle): void {
  (globalThis as Holder)[KEY] = Promise.resolve(handle);
}
