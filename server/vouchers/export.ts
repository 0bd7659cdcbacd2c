import { sql as dsql, eq, type SQL } from "drizzle-orm";
import postgres from "postgres";
import { type DatabaseHandle, type Executor, rows } from "@/db/client";
import { accounts, coupons } from "@/db/schema";
import type { AccountScope } from "@/server/auth/access";
import type { Locale } from "@/i18n/config";
import { csvHeader } from "@/i18n/request-locale";
import { isoDay } from "@/lib/format";
import { csvRecord } from "@/server/csv";
import { serverEnv } from "@/server/env";
import { errorResponse } from "@/server/http/errors";
import { encodeCursor } from "./cursor";
import { listPlan, statusSql } from "./queries";
import type { ListInput } from "./schema";

/** Column order of a voucher's deduction details export (R-DET-2). */
export const HISTORY_HEADER = [
  "Time",
  "Transaction Type",
  "Deducted Amount",
  "Credited Amount",
  "Order/Bill ID",
  "Account",
  "Balance After",
  "Note",
] as const;

export const BOM = "\uFEFF";
/**
 * ISO-8601 with the offset, in the session's zone: every export runs with TimeZone set to the
 * viewer's zone (the export connection's start-up parameter; SET LOCAL per batch on PGlite).
 * Built in, so PostgreSQL does not call a SQL function per row.
 */
export const ISO_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'; // so spreadsheet programs read the file as UTF-8 (decision 004)

/**
 * The formatted columns, computed by the database with the helpers of migration 0001
 * (amounts as decimal strings, ISO-8601 times with the account's offset, formula cells
 * neutralised). Both export paths select exactly these, so they give the same bytes.
 */
function historyColumns(): string {
  return `to_char(l.created_at, '${ISO_FORMAT}') AS time,
    l.type::text AS type,
    CASE WHEN l.type IN ('Deduction', 'Reclaim', 'Expiry') THEN minor_to_decimal(l.amount_minor) END AS deducted,
    CASE WHEN l.type IN ('Issuance', 'Refund') THEN minor_to_decimal(l.amount_minor) END AS credited,
    csv_safe(coalesce(l.order_id, l.bill_id)) AS ref,
    csv_safe(l.account_id) AS account,
    minor_to_decimal(l.balance_after_minor) AS balance_after,
    csv_safe(nullif(l.note, '')) AS note`;
}

/** A SQL string literal. Inputs are already validated (IDs: letters, digits, dashes); this is the second fence. */
export function literal(value: string): string {
  if (/[\\\0]/.test(value)) throw new Error("unexpected character in export parameter");
  return `'${value.replace(/'/g, "''")}'`;
}

/** The calendar day in the given zone, "2026-11-26": file names carry the downloader's date. */
export function localDay(timeZone: string, now = new Date()): string {
  return isoDay(now, timeZone);
}

export function historyFileName(couponId: string, timeZone: string, now = new Date()): string {
  return `coupon-${couponId}-deductions-${localDay(timeZone, now)}.csv`;
}

/**
 * Streams a voucher's ledger as CSV. On PostgreSQL: `COPY ... TO STDOUT (FORMAT csv)` on a
 * dedicated connection, passed straight through with backpressure; the connection is closed
 * when the download ends or is aborted, so an aborted download can never strand a pooled
 * connection (STACK-NOTES: postgres.js COPY trap). On PGlite: keyset batches of 1,000 rows.
 */
export function streamCouponHistory(
  handle: DatabaseHandle,
  couponId: string,
  timeZone: string,
  locale: Locale = "en",
): ReadableStream<Uint8Array> {
  const header = BOM + csvRecord(csvHeader("history", HISTORY_HEADER, locale));
  const cols = historyColumns();
  if (handle.kind === "postgres" && handle.url) {
    return copyStream(
      handle.url,
      header,
      `COPY (SELECT ${cols} FROM coupon_ledger l WHERE l.coupon_id = ${literal(couponId)} ORDER BY l.created_at, l.id) TO STDOUT WITH (FORMAT csv)`,
      timeZone,
    );
  }
  return keysetStream(handle, header, timeZone, (after) =>
    dsql.raw(
      `SELECT ${cols}, ${UTC_TEXT("l.created_at")} AS k_at, l.id AS k_id FROM coupon_ledger l
       WHERE l.coupon_id = ${literal(couponId)}
       ${after ? `AND (l.created_at, l.id) > (${literal(after.at)}::timestamptz, ${Number(after.id)})` : ""}
       ORDER BY l.created_at, l.id LIMIT 1000`,
    ),
  );
}

const encoder = new TextEncoder();

/** A timestamptz as text in UTC whatever the session zone, for keyset positions. */
export const UTC_TEXT = (expr: string) => `((${expr}) AT TIME ZONE 'UTC')::text || '+00'`;

/** PGlite shares one connection: each batch runs in its own transaction with the viewer's zone. */
function inZone<T>(handle: DatabaseHandle, timeZone: string, work: (tx: Executor) => Promise<T>): Promise<T> {
  return handle.db.transaction(async (tx) => {
    await tx.execute(dsql`SELECT set_config('TimeZone', ${timeZone}, true)`);
    return work(tx);
  });
}

/**
 * Each PostgreSQL export holds its own connection for its duration, so a process runs at most
 * EXPORT_MAX_CONCURRENT at once (server/env.ts); the routes answer 503 beyond it (PostgreSQL's
 * max_connections is finite).
 */
let runningExports = 0;

/** A CSV download's answer: streamed body, attachment file name, never cached, never sniffed. */
export const csvResponse = (body: ReadableStream<Uint8Array>, fileName: string) =>
  new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });

export const exportBusy = () =>
  errorResponse("SERVICE_UNAVAILABLE", "Too many downloads are running; try again in a moment.", {
    headers: { "Retry-After": "5" },
  });

/** False when a new PostgreSQL export would exceed the cap. Check and create without an await between. */
export function exportCapacity(handle: DatabaseHandle): boolean {
  return handle.kind !== "postgres" || runningExports < serverEnv().exportMaxConcurrent;
}

/** PostgreSQL's export path: `COPY … TO STDOUT` on a dedicated connection, passed through with backpressure. */
export function copyStream(
  url: string,
  header: string,
  copySql: string,
  timeZone: string,
): ReadableStream<Uint8Array> {
  let sql: postgres.Sql | null = null;
  let chunks: AsyncIterator<Buffer> | null = null;
  let counted = false;
  const close = async () => {
    if (counted) {
      counted = false;
      runningExports -= 1;
    }
    const s = sql;
    sql = null;
    // timeout 0: end now, even mid-COPY; the server sees the socket close and ends the backend.
    if (s) await s.end({ timeout: 0 }).catch(() => {});
  };
  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        runningExports += 1;
        counted = true;
        controller.enqueue(encoder.encode(header));
        sql = postgres(url, {
          max: 1,
          onnotice: () => {},
          connection: {
            TimeZone: timeZone,
            application_name: "voucher-export",
            standard_conforming_strings: "on",
            // Stream in index order from the first row: no sort of the whole history before the
            // first byte, and no JIT compile for a query that is I/O- and format-bound.
            enable_sort: "off",
            jit: "off",
          },
        });
        try {
          const readable = await sql.unsafe(copySql).readable();
          chunks = readable[Symbol.asyncIterator]();
        } catch (e) {
          await close();
          throw e;
        }
      },
      async pull(controller) {
        try {
          const next = await chunks?.next();
          if (!next || next.done) {
            controller.close();
            await close();
          } else {
            controller.enqueue(
              new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength),
            );
          }
        } catch (e) {
          await close();
          controller.error(e);
        }
      },
      async cancel() {
        await chunks?.return?.().catch(() => {});
        await close();
      },
    },
    { highWaterMark: 4 },
  );
}

/**
 * A CSV stream fed by `next()`, one batch of records per pull: pull-based, so nothing is read
 * from the database until the client has taken the previous batch (backpressure). `next`
 * returns null when there is nothing more.
 */
export function batchStream(header: string, next: () => Promise<string | null>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(header));
      },
      async pull(controller) {
        const text = await next();
        if (text === null) controller.close();
        else controller.enqueue(encoder.encode(text));
      },
    },
    { highWaterMark: 2 },
  );
}

const BATCH = 1000;
const cells = (values: readonly unknown[]) =>
  values.map((v) => (v === null || v === undefined ? null : String(v)));

type KeysetRow = Record<string, string | null> & { k_at: string; k_id: string | number };

const HISTORY_FIELDS = ["time", "type", "deducted", "credited", "ref", "account", "balance_after", "note"];

/**
 * PGlite's export path: keyset batches of 1,000 rows (`page` selects the formatted `fields` plus the
 * position `k_at`, `k_id`), each quoted by server/csv.ts as COPY would.
 */
export function keysetStream(
  handle: DatabaseHandle,
  header: string,
  timeZone: string,
  page: (after: { at: string; id: string | number } | null) => SQL,
  fields: readonly string[] = HISTORY_FIELDS,
): ReadableStream<Uint8Array> {
  let after: { at: string; id: string | number } | null = null;
  let done = false;
  return batchStream(header, async () => {
    if (done) return null;
    const batch = await inZone(handle, timeZone, (tx) => rows<KeysetRow>(tx, page(after)));
    const last = batch.at(-1);
    done = !last || batch.length < BATCH;
    if (!last) return null;
    after = { at: last.k_at, id: last.k_id };
    return batch.map((r) => csvRecord(cells(fields.map((f) => r[f])))).join("");
  });
}

/** Column order of the cross-voucher export (R-DET-3): the Coupons tab's columns, spelled out. */
export const LIST_HEADER = [
  "ID",
  "Account",
  "Account Name",
  "Coupon Type",
  "Nominal Value",
  "Balance",
  "Currency",
  "Applicable Commodity",
  "Applicable Scope",
  "Payment Types",
  "Limit on Order Amount",
  "Status",
  "Valid From",
  "Valid Until",
  "Issued At",
  "Source",
  "Description",
] as const;

function listColumns() {
  return {
    id: dsql<string>`csv_safe(${coupons.id})`,
    account: dsql<string>`csv_safe(${coupons.accountId})`,
    accountName: dsql<string>`csv_safe(${accounts.name})`,
    type: dsql<string>`${coupons.couponType}::text`,
    nominal: dsql<string>`minor_to_decimal(${coupons.nominalMinor})`,
    balance: dsql<string>`minor_to_decimal(${coupons.balanceMinor})`,
    currency: coupons.currency,
    commodity: dsql<string>`CASE WHEN cardinality(${coupons.commodities}) = 0 THEN 'General' ELSE
      (SELECT string_agg(p.name, '; ' ORDER BY p.name) FROM products p WHERE p.code = ANY(${coupons.commodities})) END`,
    scope: dsql<string>`CASE WHEN cardinality(${coupons.scopes}) = 0 THEN 'General' ELSE array_to_string(${coupons.scopes}, '; ') END`,
    paymentTypes: dsql<string>`array_to_string(${coupons.paymentTypes}, '; ')`,
    minOrder: dsql<string>`minor_to_decimal(${coupons.minOrderMinor})`,
    status: statusSql,
    validFrom: dsql<string>`to_char(${coupons.effectiveFrom}, ${dsql.raw(`'${ISO_FORMAT}'`)})`,
    validUntil: dsql<string>`to_char(${coupons.expiresAt} - interval '1 second', ${dsql.raw(`'${ISO_FORMAT}'`)})`,
    issuedAt: dsql<string>`to_char(${coupons.issuedAt}, ${dsql.raw(`'${ISO_FORMAT}'`)})`,
    source: dsql<string>`${coupons.source}::text`,
    description: dsql<string>`csv_safe(nullif(${coupons.description}, ''))`,
  };
}

export function listFileName(timeZone: string, now = new Date()): string {
  return `coupons-${localDay(timeZone, now)}.csv`;
}

/**
 * Streams every voucher matching the Coupons tab's filter, in its sort order (R-DET-3):
 * the same WHERE and ORDER BY as the table (listPlan), so the file is what the table shows.
 */
export function streamCouponList(
  handle: DatabaseHandle,
  scope: AccountScope,
  input: ListInput,
  timeZone: string,
  locale: Locale = "en",
): ReadableStream<Uint8Array> {
  const header = BOM + csvRecord(csvHeader("list", LIST_HEADER, locale));
  const cols = listColumns();
  const query = (db: Executor, state: ListInput) => {
    const { col, where, order } = listPlan(scope, state);
    return db
      .select({
        ...cols,
        // Keyset position of a time sort, as UTC text whatever the session zone.
        k:
          state.sort === "balance"
            ? dsql<string>`''`
            : dsql<string>`(${col} AT TIME ZONE 'UTC')::text || '+00'`,
        kBalance: coupons.balanceMinor,
        kId: coupons.id,
      })
      .from(coupons)
      .innerJoin(accounts, eq(accounts.id, coupons.accountId))
      .where(where)
      .orderBy(...order);
  };
  let state: ListInput = { ...input, cursor: undefined };
  if (handle.kind === "postgres" && handle.url) {
    // The same plan with only the printed columns (Drizzle selects SQL fragments by position).
    const { where, order } = listPlan(scope, state);
    const { sql: text, params } = handle.db
      .select(cols)
      .from(coupons)
      .innerJoin(accounts, eq(accounts.id, coupons.accountId))
      .where(where)
      .orderBy(...order)
      .toSQL();
    return copyStream(
      handle.url,
      header,
      `COPY (${inlineParams(text, params)}) TO STDOUT WITH (FORMAT csv)`,
      timeZone,
    );
  }
  let done = false;
  return batchStream(header, async () => {
    if (done) return null;
    const batch = await inZone(handle, timeZone, (tx) => query(tx, state).limit(BATCH));
    const last = batch.at(-1);
    done = !last || batch.length < BATCH;
    if (!last) return null;
    state = {
      ...state,
      cursor: encodeCursor({
        s: `${state.sort}:${state.dir}`,
        v: state.sort === "balance" ? last.kBalance : last.k,
        id: last.kId,
      }),
    };
    return batch.map(({ k: _k, kBalance: _b, kId: _i, ...r }) => csvRecord(cells(Object.values(r)))).join("");
  });
}

/** Inlines bound parameters as SQL literals (COPY takes none). Only strings, finite numbers and booleans. */
function inlineParams(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_m, n: string) => {
    const v = params[Number(n) - 1];
    if (typeof v === "string") return literal(v);
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    throw new Error("unsupported parameter in export query");
  });
}
