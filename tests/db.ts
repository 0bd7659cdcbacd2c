/**
 * Test databases: every integration test runs on PGlite (in memory) and, when reachable, on a
 * real PostgreSQL server, each in a fresh database built with the migrations (never `push`).
 *
 *   const drivers = await testDatabases();
 *   describe.each(drivers)("[$name] ...", (driver) => { ... driver.open() ... });
 *
 * PostgreSQL: TEST_DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/postgres. Each
 * `open()` creates a uniquely named database (vc_t_<random>) and `close()` drops it. When the
 * server is unreachable the PostgreSQL variant is skipped with a warning, except under CI,
 * where that is a failure.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "@/db/client";
import { seed } from "@/db/seed";

export type DriverName = "pglite" | "postgres";

export type TestDriver = {
  name: DriverName;
  /** A fresh, migrated database. Closed and (PostgreSQL) dropped by `closeAll()`. */
  open: () => Promise<DatabaseHandle>;
  /** Closes every handle this driver opened and drops their databases. Call in afterAll. */
  closeAll: () => Promise<void>;
};

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_URL;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

let reachable: Promise<string | null> | null = null;

/** Resolves to null when PostgreSQL answers, else the reason it does not. */
function probePostgres(): Promise<string | null> {
  reachable ??= (async () => {
    const sql = postgres(adminUrl(), { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await sql`select 1`;
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  })();
  return reachable;
}

function pgliteDriver(): TestDriver {
  const open: DatabaseHandle[] = [];
  return {
    name: "pglite",
    async open() {
      const handle = await openDatabase({ url: null, pgliteDir: null });
      open.push(handle);
      await migrateDatabase(handle);
      return handle;
    },
    async closeAll() {
      for (const h of open.splice(0)) await h.close().catch(() => {});
    },
  };
}

function postgresDriver(): TestDriver {
  const created: { name: string; handle: DatabaseHandle }[] = [];
  return {
    name: "postgres",
    async open() {
      const name = `vc_t_${randomBytes(6).toString("hex")}`;
      const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end({ timeout: 5 });
      }
      const handle = await openDatabase({ url: withDatabase(adminUrl(), name), poolMax: 6 });
      created.push({ name, handle });
      await migrateDatabase(handle);
      return handle;
    },
    async closeAll() {
      const all = created.splice(0);
      if (all.length === 0) return;
      for (const { handle } of all) await handle.close().catch(() => {});
      const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
      try {
        for (const { name } of all) {
          await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
          await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}

/** The drivers to run integration tests against: PGlite always, PostgreSQL when reachable. */
export async function testDatabases(): Promise<TestDriver[]> {
  const drivers = [pgliteDriver()];
  const problem = await probePostgres();
  if (problem === null) {
    drivers.push(postgresDriver());
  } else if (process.env.CI) {
    throw new Error(
      `PostgreSQL is not reachable at ${redact(adminUrl())} (${problem}). CI must run the tests on PostgreSQL too: ` +
        "start a server or set TEST_DATABASE_URL.",
    );
  } else {
    console.warn(
      `\n⚠  PostgreSQL not reachable at ${redact(adminUrl())} (${problem}): running on PGlite only. ` +
        "Set TEST_DATABASE_URL (or start PostgreSQL on 127.0.0.1:5432) to test both drivers.\n",
    );
  }
  return drivers;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** A fresh database with the demo world (db/seed.ts) seeded at `now`. */
export async function seededDatabase(driver: TestDriver, now = new Date()): Promise<DatabaseHandle> {
  const handle = await driver.open();
  await handle.db.transaction((tx) => seed(tx, now));
  return handle;
}

/** `describe.each(eachDriver(drivers))("[%s] ...", (_name, driver) => ...)`: titles read "[pglite] ..." / "[postgres] ...". */
export function eachDriver(drivers: TestDriver[]): [DriverName, TestDriver][] {
  return drivers.map((d) => [d.name, d]);
}
