import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type ExtractTablesWithRelations, sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
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
  /** The app's pool (real PostgreSQL only): node-postgres, which drops a connection that broke (R-REL-1). */
  pool: pg.Pool | null;
  /**
   * A postgres.js client on the same database (real PostgreSQL only), for the benchmarks' raw-SQL floor.
   * It opens no connection until used; the app never uses it.
   */
  sql: postgres.Sql | null;
  /** Connection string (real PostgreSQL only): exports open a dedicated connection with it. */
  url: string | null;
  close: () => Promise<void>;
};

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");
/** The database's rules as readable source: one function per file, `CREATE OR REPLACE` (decision 013). */
export const sqlFunctionsFolder = path.join(process.cwd(), "db", "sql");

export type OpenOptions = { url?: string | null; pgliteDir?: string | null; poolMax?: number };

/**
 * The database connection was lost or could not be made (a failover, a restart, an administrator's
 * pg_terminate_backend): SQLSTATE class 08 and 57P01–57P03, or the drivers' own socket errors.
 * The pool drops such a connection; the request is answered 503 (server/trpc/init.ts).
 */
const CONNECTION_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|the database system is (starting up|shutting down)/;
export function isConnectionLoss(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && typeof c === "object" && depth < 8; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string") {
      if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03") return true;
      if (CONNECTION_ERRNOS.has(code)) return true;
    }
    const message = (c as { message?: unknown }).message;
    if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}

/** A pooled client whose connection attempt gives up after 1.5 s (the pool's own wait is longer). */
class QuickConnectClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super({
      ...(typeof config === "string" ? { connectionString: config } : config),
      connectionTimeoutMillis: 1_500,
    });
  }
}

/** Opens PostgreSQL when a URL is given, otherwise PGlite (a folder, or memory when `pgliteDir` is null). */
export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolMax ?? 10,
      // Sessions judge validity with the database clock (R-TIME-1); keep the server's zone out of formatting.
      // Every statement here is a named prepared statement whose shape is fixed by the code (each list
      // shape is its own statement); only values vary. Left to "auto", PostgreSQL re-plans the Coupons
      // list on every execution (its custom plan looks cheaper than the generic one), which doubled the
      // database CPU of an "All" page. Planned once per connection instead (decision 009).
      // No JIT: at 10 M vouchers the "All" page's plan costs more than jit_above_cost, and PostgreSQL
      // compiled it on every execution (40–140 ms of a 5 ms statement); no statement here runs long
      // enough to gain from it (the exports' COPY runs on a connection of its own, with the server's
      // default). Decision 017.
      options: "-c TimeZone=UTC -c plan_cache_mode=force_generic_plan -c jit=off",
      // A request waits at most this long for a free connection, then fails cleanly instead of hanging.
      connectionTimeoutMillis: 5_000,
      // Opening one may take at most 1.5 s: while PostgreSQL restarts, a request fails fast (503) rather
      // than waiting the whole 5 s on a connection attempt that nobody answers (R-REL-1).
      Client: QuickConnectClient,
      keepAlive: true,
    });
    // When PostgreSQL terminates a connection (failover, pg_terminate_backend), node-postgres fails its
    // queries at once and drops it from the pool: while idle at once, while checked out when it is
    // released. Two gaps are closed here (decision 018):
    // - A checked-out client reports the break on itself, where nobody listens (Drizzle holds it): an
    //   unheard report would end the process. Every client gets a listener when it is made.
    // - The server's "terminating connection" arrives before the socket closes: a client released in
    //   between still looks usable and would go back to the pool to fail the next request. A client
    //   that saw a connection-level error is released as broken, so the pool drops it.
    const broken = new WeakSet<pg.PoolClient>();
    const broke = (client: pg.PoolClient) => (e: Error) => {
      broken.add(client);
      console.warn(`database: a pooled connection broke and is dropped (${e.message})`);
    };
    pool.on("error", (e, client) => broke(client)(e));
    pool.on("connect", (client) => {
      client.on("error", broke(client));
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      client.query = ((...args: unknown[]) => {
        const result = query(...args);
        if (result instanceof Promise)
          result.catch((e: unknown) => {
            if (isConnectionLoss(e)) broken.add(client);
          });
        return result;
      }) as typeof client.query;
    });
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    pool.connect = (async () => {
      const client = await connect();
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) =>
        release(err ?? (broken.has(client) ? new Error("connection lost") : undefined));
      return client;
    }) as typeof pool.connect;
    // pg-pool's own `query` destroys the connection after any failed statement, a refusal such as
    // VOUCHER_CHANGED included: the next call then pays for a new backend, whose functions and plans
    // are cold (10× slower payments in tests/orders-model.test.ts). A statement's failure leaves the
    // connection clean, so it goes back to the pool; a broken one is dropped as above. Drizzle calls
    // it as (config, values).
    pool.query = (async (config: pg.QueryConfig, values?: unknown[]) => {
      const client = await pool.connect();
      try {
        return await client.query(config, values);
      } finally {
        client.release();
      }
    }) as unknown as typeof pool.query;
    const db = drizzleNodePg(pool, { schema, casing: "snake_case" }) as unknown as Db;
    const raw = postgres(opts.url, {
      max: opts.poolMax ?? 10,
      onnotice: () => {},
      connection: { TimeZone: "UTC", plan_cache_mode: "force_generic_plan", jit: "off" },
    });
    return {
      kind: "postgres",
      db,
      pool,
      sql: raw,
      url: opts.url,
      close: async () => {
        await Promise.all([pool.end(), raw.end({ timeout: 5 })]);
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const client = opts.pgliteDir ? new PGlite(opts.pgliteDir) : new PGlite();
  await client.waitReady;
  await client.exec("SET TimeZone = 'UTC'");
  const db = drizzlePglite(client, { schema, casing: "snake_case" }) as unknown as Db;
  return { kind: "pglite", db, pool: null, sql: null, url: null, close: () => client.close() };
}

export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "postgres") {
    await migrateNodePg(handle.db as never, { migrationsFolder });
  } else {
    await migratePglite(handle.db as never, { migrationsFolder });
  }
  await applySqlFunctions(handle.db);
}

/** The files of db/sql with the SHA-256 of their text, in name order. */
export function sqlFunctionFiles(): { name: string; text: string; sha256: string }[] {
  return readdirSync(sqlFunctionsFolder)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((name) => {
      const text = readFileSync(path.join(sqlFunctionsFolder, name), "utf8");
      return { name, text, sha256: createHash("sha256").update(text).digest("hex") };
    });
}

/**
 * Repeatable migrations, like Flyway's: after the versioned migrations, every db/sql file whose text
 * differs from what the database last applied is run again (they are all `CREATE OR REPLACE`), in
 * one transaction under an advisory lock, so processes starting together apply each change once.
 * Bodies are checked when called, not when created, so the files may refer to each other in any
 * order. A function removed from db/sql, or whose signature changes, is dropped by a migration.
 */
export async function applySqlFunctions(db: Db): Promise<string[]> {
  const files = sqlFunctionFiles();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('voucher-console:db/sql'))`);
    const applied = new Map(
      (await rows<{ name: string; sha256: string }>(tx, sql`SELECT name, sha256 FROM sql_functions`)).map(
        (r) => [r.name, r.sha256],
      ),
    );
    const changed = files.filter((f) => applied.get(f.name) !== f.sha256);
    if (changed.length === 0) return [];
    await tx.execute(sql`SET LOCAL check_function_bodies = off`);
    for (const f of changed) {
      await tx.execute(sql.raw(f.text));
      await tx.execute(
        sql`INSERT INTO sql_functions (name, sha256) VALUES (${f.name}, ${f.sha256})
            ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()`,
      );
    }
    return changed.map((f) => f.name);
  });
}

/** Rows of a raw SQL statement, whichever driver ran it. */
export async function rows<T>(db: Executor, query: Parameters<Db["execute"]>[0]): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
