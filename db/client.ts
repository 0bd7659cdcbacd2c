import path from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a domain function can run queries on: the database or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseHandle = {
  kind: "pglite" | "postgres";
  db: Db;
  /** The postgres.js client (real PostgreSQL only): used for COPY exports and raw benchmarks. */
  sql: postgres.Sql | null;
  /** Connection string (real PostgreSQL only): exports open a dedicated connection with it. */
  url: string | null;
  close: () => Promise<void>;
};

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

export type OpenOptions = { url?: string | null; pgliteDir?: string | null; poolMax?: number };

/** Opens PostgreSQL when a URL is given, otherwise PGlite (a folder, or memory when `pgliteDir` is null). */
export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const sql = postgres(opts.url, {
      max: opts.poolMax ?? 10,
      onnotice: () => {},
      connection: {
        // Sessions judge validity with the database clock (R-TIME-1); keep the server's zone out of formatting.
        TimeZone: "UTC",
        // Every statement here is a named prepared statement whose shape is fixed by the code (each list
        // shape is its own statement); only values vary. Left to "auto", PostgreSQL re-plans the Coupons
        // list on every execution (its custom plan looks cheaper than the generic one), which doubled the
        // database CPU of an "All" page. Planned once per connection instead (decision 009).
        plan_cache_mode: "force_generic_plan",
      },
    });
    const db = drizzlePostgres(sql, { schema, casing: "snake_case" }) as unknown as Db;
    return { kind: "postgres", db, sql, url: opts.url, close: () => sql.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const client = opts.pgliteDir ? new PGlite(opts.pgliteDir) : new PGlite();
  await client.waitReady;
  await client.exec("SET TimeZone = 'UTC'");
  const db = drizzlePglite(client, { schema, casing: "snake_case" }) as unknown as Db;
  return { kind: "pglite", db, sql: null, url: null, close: () => client.close() };
}

export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "postgres") {
    await migratePostgres(handle.db as never, { migrationsFolder });
  } else {
    await migratePglite(handle.db as never, { migrationsFolder });
  }
}

/** Rows of a raw SQL statement, whichever driver ran it. */
export async function rows<T>(db: Executor, query: Parameters<Db["execute"]>[0]): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
