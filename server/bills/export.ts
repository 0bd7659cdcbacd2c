import type { Locale } from "@/i18n/config";
import { csvHeader } from "@/i18n/request-locale";
import { sql as dsql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { csvRecord } from "@/server/csv";
import {
  BOM,
  copyStream,
  ISO_FORMAT,
  keysetStream,
  literal,
  localDay,
  UTC_TEXT,
} from "@/server/vouchers/export";

/** Column order of a bill's lines export (R-PAYG-1): what the bill page's table shows. */
export const BILL_LINES_HEADER = [
  "Usage Time",
  "Line ID",
  "Product",
  "Description",
  "Amount",
  "Paid by Vouchers",
  "Vouchers",
  "Cash Due",
] as const;

const FIELDS = ["time", "line", "product", "description", "amount", "voucher", "vouchers", "cash"];

/**
 * Formatted by the database, as the other exports (migration 0001's helpers: decimal amounts,
 * ISO-8601 with the viewer's offset, formula cells neutralised). "Vouchers" lists what each
 * voucher paid of the line, in drawing order: "CP-7Q2M-9XK4 12.50; CP-4HB8-T2WN 0.75".
 */
function columns(): string {
  return `to_char(l.usage_at, '${ISO_FORMAT}') AS time,
    csv_safe(l.id) AS line,
    csv_safe(p.name) AS product,
    csv_safe(nullif(l.description, '')) AS description,
    minor_to_decimal(l.amount_minor) AS amount,
    minor_to_decimal(l.voucher_minor) AS voucher,
    csv_safe((SELECT string_agg(d.coupon_id || ' ' || minor_to_decimal(d.amount_minor), '; ' ORDER BY d.id)
                FROM coupon_ledger d
               WHERE d.bill_id = l.bill_id AND d.bill_line_id = l.id AND d.type = 'Deduction')) AS vouchers,
    minor_to_decimal(l.amount_minor - l.voucher_minor) AS cash`;
}

export function billLinesFileName(billId: string, timeZone: string, now = new Date()): string {
  return `bill-${billId}-lines-${localDay(timeZone, now)}.csv`;
}

/**
 * Streams a bill's lines as CSV in usage order: COPY on PostgreSQL (a dedicated connection, closed
 * when the download ends or is aborted), keyset batches on PGlite; the same bytes either way.
 */
export function streamBillLines(
  handle: DatabaseHandle,
  billId: string,
  timeZone: string,
  locale: Locale = "en",
): ReadableStream<Uint8Array> {
  const header = BOM + csvRecord(csvHeader("billLines", BILL_LINES_HEADER, locale));
  const from = `FROM bill_lines l JOIN products p ON p.code = l.product_code WHERE l.bill_id = ${literal(billId)}`;
  if (handle.kind === "postgres" && handle.url) {
    return copyStream(
      handle.url,
      header,
      `COPY (SELECT ${columns()} ${from} ORDER BY l.usage_at, l.id) TO STDOUT WITH (FORMAT csv)`,
      timeZone,
    );
  }
  return keysetStream(
    handle,
    header,
    timeZone,
    (after) =>
      dsql.raw(
        `SELECT ${columns()}, ${UTC_TEXT("l.usage_at")} AS k_at, l.id AS k_id ${from}
         ${after ? `AND (l.usage_at, l.id) > (${literal(after.at)}::timestamptz, ${literal(String(after.id))})` : ""}
         ORDER BY l.usage_at, l.id LIMIT 1000`,
      ),
    FIELDS,
  );
}
