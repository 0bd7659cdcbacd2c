import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { type DatabaseHandle, type Executor, rows } from "@/db/client";
import { DEMO_USERS } from "@/db/seed";
import { SESSION_COOKIE, type SessionUser } from "@/server/auth/session";
import type { RouteHandler } from "@/server/http/route";
import { createCaller } from "@/server/trpc/root";

export type DemoUserId = (typeof DEMO_USERS)[number]["id"];

/** The SessionUser of a seeded demo user, as the session lookup would build it. */
export function demoUser(id: DemoUserId): SessionUser {
  const u = DEMO_USERS.find((x) => x.id === id);
  if (!u) throw new Error(`no demo user ${id}`);
  return {
    userId: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    accountId: u.accountId,
    accountName: u.name,
    timeZone: "Asia/Shanghai",
    accountTimeZone: "Asia/Shanghai",
    locale: null,
    currency: "USD",
  };
}

/** A tRPC caller acting as a demo user; `null` is an unauthenticated caller (no session). */
export function callerFor(handle: DatabaseHandle, id: DemoUserId | null) {
  return createCaller({ handle, sessionToken: undefined, user: id === null ? null : demoUser(id) });
}

/** Awaits a call that must fail with the given tRPC code; returns the error for more checks. */
export async function expectTRPCError(
  call: Promise<unknown> | (() => Promise<unknown>),
  code: TRPCError["code"],
) {
  let error: unknown;
  try {
    await (typeof call === "function" ? call() : call);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code}, but the call succeeded`).toBeInstanceOf(TRPCError);
  const e = error as TRPCError;
  expect(e.code, `expected ${code}, got ${e.code}: ${e.message}`).toBe(code);
  return e;
}

/** Every message in an error and its causes (drivers and Drizzle wrap database errors differently). */
export function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && i < 6; i++) {
    if (cur instanceof Error) {
      parts.push(cur.message);
      const c = cur as Error & { constraint_name?: string; constraint?: string; code?: string };
      if (c.constraint_name) parts.push(c.constraint_name);
      if (c.constraint) parts.push(c.constraint);
      cur = cur.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(" | ");
}

/** Runs a statement that the database must refuse; returns everything it said. */
export async function expectDbRefusal(run: () => Promise<unknown>, pattern: RegExp) {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, "the database accepted a statement it must refuse").toBeDefined();
  expect(errorText(error)).toMatch(pattern);
}

/** A fingerprint of everything money-related, to prove that a refused call changed nothing. */
export async function snapshot(db: Executor) {
  const [row] = await rows<Record<string, string>>(
    db,
    sql`SELECT (SELECT count(*) FROM coupons)::text AS coupons,
               (SELECT coalesce(sum(balance_minor), 0) FROM coupons)::text AS balances,
               (SELECT count(*) FROM coupon_ledger)::text AS ledger,
               (SELECT coalesce(max(id), 0) FROM coupon_ledger)::text AS ledger_max_id,
               (SELECT count(*) FROM idempotency_keys)::text AS idempotency_keys,
               (SELECT count(*) FROM coupon_shares)::text AS shares`,
  );
  return row;
}

/** The database clock (R-TIME-1: status is judged by it). */
export async function dbNow(db: Executor): Promise<Date> {
  const [row] = await rows<{ ms: string }>(
    db,
    sql`SELECT (extract(epoch FROM now()) * 1000)::bigint::text AS ms`,
  );
  return new Date(Number(row?.ms));
}

/** Reads a whole byte stream. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export type CsvCell = { value: string; quoted: boolean };

/**
 * A small, strict RFC 4180 parser (records end with LF or CRLF; quoted fields may hold commas,
 * quotes doubled, CR and LF). Keeps whether each field was quoted, so tests can tell an empty
 * string ("") from a missing value (nothing). Throws on anything malformed.
 */
export function parseCsvCells(text: string): CsvCell[][] {
  const records: CsvCell[][] = [];
  let record: CsvCell[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return records;
  for (;;) {
    // One field starts at i.
    let cell: CsvCell;
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) throw new Error("CSV: unterminated quoted field");
        const ch = text[i];
        if (ch === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += ch;
          i++;
        }
      }
      cell = { value, quoted: true };
    } else {
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n" && text[j] !== "\r") {
        if (text[j] === '"') throw new Error(`CSV: bare quote in unquoted field at ${j}`);
        j++;
      }
      cell = { value: text.slice(i, j), quoted: false };
      i = j;
    }
    record.push(cell);
    if (i >= n) {
      records.push(record);
      return records;
    }
    const sep = text[i];
    if (sep === ",") {
      i++;
      continue;
    }
    if (sep === "\r" && text[i + 1] === "\n") i += 2;
    else if (sep === "\n") i += 1;
    else throw new Error(`CSV: unexpected ${JSON.stringify(sep)} after a field at ${i}`);
    records.push(record);
    record = [];
    if (i >= n) return records;
  }
}

export function parseCsv(text: string): string[][] {
  return parseCsvCells(text).map((r) => r.map((c) => c.value));
}

/**
 * A request to a route handler through its door (server/http/route.ts), on the test's database:
 * `token` goes in the session cookie; `init` for a method and body other than GET.
 */
export function callRoute<P>(
  handler: RouteHandler<P>,
  handle: DatabaseHandle,
  url: string,
  opts: { token?: string | null; params?: P; init?: RequestInit } = {},
): Promise<Response> {
  const headers = new Headers(opts.init?.headers);
  if (opts.token) headers.set("cookie", `${SESSION_COOKIE}=${opts.token}`);
  return handler.serve(
    handle,
    new Request(new URL(url, "http://localhost"), { ...opts.init, headers }),
    opts.params,
  );
}
