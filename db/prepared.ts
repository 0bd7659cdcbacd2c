import type { Executor } from "./client";

/**
 * Per-database cache of prepared queries: Drizzle builds the SQL text once per shape instead of
 * on every request, and PostgreSQL gets a named statement it parses and plans once per
 * connection. Keyed by the database object, so test databases never share statements.
 */
const cache = new WeakMap<object, Map<string, unknown>>();

export function preparedQuery<T>(db: Executor, key: string, build: () => T): T {
  let forDb = cache.get(db);
  if (!forDb) {
    forDb = new Map();
    cache.set(db, forDb);
  }
  let q = forDb.get(key) as T | undefined;
  if (!q) {
    q = build();
    forDb.set(key, q);
  }
  return q;
}
