/**
 * postgres.js as db/client.ts configured it before decision 018 (pool of 10, UTC, generic plans; no JIT, as now), as a
 * DatabaseHandle, for bench:driver's before/after comparison. Not used by the app.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { DatabaseHandle, Db } from "@/db/client";
import * as schema from "@/db/schema";

export function postgresJsHandle(url: string, max = 10): DatabaseHandle {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    // The server settings of the app's pool today, so that only the driver differs.
    connection: { TimeZone: "UTC", plan_cache_mode: "force_generic_plan", jit: "off" },
  });
  return {
    kind: "postgres",
    db: drizzle(sql, { schema, casing: "snake_case" }) as unknown as Db,
    pool: null,
    sql,
    url,
    close: () => sql.end({ timeout: 5 }),
  };
}
