import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { orders, products } from "@/db/schema";
import { notFound } from "@/server/errors";
import { decodeCursor, encodeCursor } from "@/server/vouchers/cursor";
import { iso } from "@/server/vouchers/queries";
import { type ReasonCode, UNAVAILABLE_REASONS } from "./rules";

export const orderColumns = {
  id: orders.id,
  accountId: orders.accountId,
  productCode: orders.productCode,
  productName: products.name,
  paymentType: orders.paymentType,
  transactionType: orders.transactionType,
  currency: orders.currency,
  amountMinor: orders.amountMinor,
  status: orders.status,
  couponId: orders.couponId,
  voucherMinor: orders.voucherMinor,
  cashMinor: orders.cashMinor,
  renewalOfOrderId: orders.renewalOfOrderId,
  createdAt: orders.createdAt,
  paidAt: orders.paidAt,
  /** The order's refund (unsubscribe), if any: what was refunded and how much of it was cash (R-REF-*). */
  refund: sql<
    [number, number, number] | string | null
  >`(SELECT json_build_array(r.amount_minor, r.cash_refunded_minor, r.voucher_returned_minor)
    FROM refunds r WHERE r.order_id = ${orders.id} ORDER BY r.created_at LIMIT 1)`,
  /** R-INV-1, by its one rule (db/sql/invoiceable_minor.sql): the cash part, less cash refunded, once paid. */
  invoiceableMinor:
    sql<number>`invoiceable_minor(${orders.status} NOT IN ('Pending Payment', 'Cancelled'), ${orders.cashMinor},
    (SELECT sum(r.cash_refunded_minor) FROM refunds r WHERE r.order_id = ${orders.id})::bigint)`.mapWith(
      Number,
    ),
};

type OrderRow = {
  createdAt: string | Date;
  paidAt: string | Date | null;
  status: string;
  cashMinor: number;
  refund: [number, number, number] | string | null;
};
function present<T extends OrderRow>({ refund, ...o }: T) {
  const [refundMinor = 0, cashRefundedMinor = 0, voucherReturnedMinor = 0] =
    (typeof refund === "string" ? JSON.parse(refund) : refund) ?? [];
  return {
    ...o,
    createdAt: iso(o.createdAt),
    paidAt: o.paidAt ? iso(o.paidAt) : null,
    refundMinor: Number(refundMinor),
    cashRefundedMinor: Number(cashRefundedMinor),
    voucherReturnedMinor: Number(voucherReturnedMinor),
  };
}

export async function getOrder(db: Executor, accountId: string, id: string) {
  const [o] = await db
    .select(orderColumns)
    .from(orders)
    .innerJoin(products, eq(products.code, orders.productCode))
    .where(and(eq(orders.id, id.toUpperCase()), eq(orders.accountId, accountId)));
  if (!o) throw notFound("Order");
  return present(o);
}

export async function listOrders(db: Executor, accountId: string, cursor: string | undefined, limit: number) {
  const where: SQL[] = [eq(orders.accountId, accountId)];
  if (cursor) {
    const c = decodeCursor(cursor, "orders");
    where.push(sql`(${orders.createdAt}, ${orders.id}) < (${c.v}::timestamptz, ${c.id})`);
  }
  const found = await db
    .select({ ...orderColumns, k: sql<string>`${orders.createdAt}::text` })
    .from(orders)
    .innerJoin(products, eq(products.code, orders.productCode))
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1);
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ k: _k, ...o }) => present(o)),
    nextCursor: found.length > limit && last ? encodeCursor({ s: "orders", v: last.k, id: last.id }) : null,
  };
}

const MAX_LISTED = 100;

/**
 * One listed voucher as the statement sends it: a JSON array, in this order. Only what the page
 * needs (no `source`); the database has judged it already.
 */
type ListedTuple = [
  id: string,
  accountId: string,
  currency: string,
  nominalMinor: number,
  balanceMinor: number,
  commodities: string[],
  scopes: string[],
  minOrderMinor: number,
  effectiveFromMs: number,
  expiresAtMs: number,
  description: string,
  couponType: string,
  /** voucher_reasons(): empty when the voucher applies. */
  reasons: ReasonCode[],
  /** R-MATCH-5: min(balance, order amount). */
  deductionMinor: number,
];
/** [applicable count, unavailable count, applicable in priority order, unavailable by ID]. */
type OptionsJson = [
  applicableCount: number,
  unavailableCount: number,
  applicable: ListedTuple[] | null,
  unavailable: ListedTuple[] | null,
];

/**
 * An instant as epoch milliseconds, floored: the same Date as parsing its microsecond text (which
 * drops the digits after the milliseconds), without a string to parse per instant.
 */
const epochMs = (column: string) => sql.raw(`floor(extract(epoch FROM ${column}) * 1000)::bigint`);

/** One listed coupon in ListedTuple's order (`c` is the coupon, `x` its judged row). */
const listedJson = sql`json_build_array(c.id, c.account_id, c.currency, c.nominal_minor, c.balance_minor,
  c.commodities, c.scopes, c.min_order_minor, ${epochMs("c.effective_from")}, ${epochMs("c.expires_at")},
  c.description, c.coupon_type, reason_codes(x.reasons), least(c.balance_minor, ${orders.amountMinor}))`;

/**
 * The voucher part of the payment page, correlated with the order row of the outer query (one
 * evaluation: the order is looked up by its primary key). vouchers_by_priority() (db/sql) judges every
 * coupon of the account (own and shared with it, cash and discount) with voucher_reasons() and numbers
 * them in priority order, as pay_order() and close_bill() judge and rank: the page shows exactly what
 * the payment will accept. From one pass come the two counts, the first
 * applicable ones by priority and the first unavailable ones by ID (code-unit order); only those
 * ≤ 2 × MAX_LISTED rows are read again with their wide columns, and sent as one JSON value.
 */
const optionsSql = sql<OptionsJson | string | null>`(
  WITH k AS MATERIALIZED (
    SELECT v.id, v.priority, v.reasons
      FROM vouchers_by_priority(${orders.accountId}, ${orders.currency}, ${orders.productCode},
                                ${products.excludedFromGeneral}, ${orders.paymentType}, ${orders.transactionType},
                                ${orders.amountMinor}, now()) v),
  ok AS (SELECT id, priority, reasons FROM k WHERE reasons = 0
          ORDER BY priority LIMIT ${sql.raw(String(MAX_LISTED))}),
  nok AS (SELECT id, reasons FROM k WHERE reasons <> 0
           ORDER BY id COLLATE "C" LIMIT ${sql.raw(String(MAX_LISTED))})
  SELECT json_build_array(
           count(*) FILTER (WHERE k.reasons = 0),
           count(*) FILTER (WHERE k.reasons <> 0),
           (SELECT json_agg(${listedJson} ORDER BY x.priority) FROM ok x JOIN coupons c ON c.id = x.id),
           (SELECT json_agg(${listedJson} ORDER BY x.id COLLATE "C") FROM nok x JOIN coupons c ON c.id = x.id))
  FROM k)`;

/**
 * The payment page's voucher section (R-MATCH-1..4), judged by the database clock (R-TIME-1).
 * One prepared statement, one round trip: the order (as `getOrder` shows it), the database's
 * `now()`, and the voucher part (`optionsSql`), already judged and ranked by the database.
 */
export async function paymentOptions(db: Executor, accountId: string, orderId: string) {
  const query = preparedQuery(db, "payment-options", () =>
    db
      .select({
        ...orderColumns,
        now: sql<string>`now()::text`,
        options: optionsSql,
      })
      .from(orders)
      .innerJoin(products, eq(products.code, orders.productCode))
      .where(
        and(eq(orders.id, sql.placeholder("orderId")), eq(orders.accountId, sql.placeholder("accountId"))),
      )
      .prepare("payment_options"),
  );
  const [found] = await query.execute({ orderId: orderId.toUpperCase(), accountId });
  if (!found) throw notFound("Order");
  const { now: nowText, options, ...orderRow } = found;
  const order = present(orderRow);
  const [applicableCount, unavailableCount, applicable, unavailable] = ((typeof options === "string"
    ? JSON.parse(options)
    : options) ?? [0, 0, null, null]) as OptionsJson;
  const view = (r: ListedTuple) => ({
    id: r[0],
    balanceMinor: r[4],
    nominalMinor: r[3],
    currency: r[2],
    expiresAt: new Date(r[9]).toISOString(),
    effectiveFrom: new Date(r[8]).toISOString(),
    commodities: r[5],
    scopes: r[6],
    minOrderMinor: r[7],
    shared: r[1] !== accountId,
    description: r[10],
    couponType: r[11],
  });
  const first = applicable?.[0];
  return {
    order,
    evaluatedAt: iso(nowText),
    defaultVoucherId: first ? first[0] : null,
    applicableCount,
    // Object.assign rather than a spread: the same keys in the same order, at a third of the cost.
    applicable: (applicable ?? []).map((r) => Object.assign(view(r), { deductionMinor: r[13] })),
    unavailableCount,
    unavailable: (unavailable ?? []).map((r) =>
      Object.assign(view(r), {
        reasons: r[12].map((code) => ({ code, text: UNAVAILABLE_REASONS[code] })),
      }),
    ),
  };
}
