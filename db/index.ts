import { mkdirSync } from "node:fs";
import path from "node:path";
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
    const url = process.env.DATABASE_URL || null;
    const pgliteDir = url ? null : process.env.PGLITE_DIR || path.join(process.cwd(), ".data", "pglite");
    if (pgliteDir) mkdirSync(path.dirname(path.resolve(pgliteDir)), { recursive: true });
    const handle = await openDatabase({
      url,
      pgliteDir,
      poolMax: Number(process.env.PG_POOL_MAX ?? 10),
    });
    await migrateDatabase(handle);
    if (process.env.SEED_DEMO !== "false") await seedIfEmpty(handle.db);
    return handle;
  })();
  return g[KEY];
}
