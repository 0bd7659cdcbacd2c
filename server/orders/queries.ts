import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { orders, products } from "@/db/schema";
import { notFound } from "@/server/errors";
import { decodeCursor, encodeCursor } from "@/server/vouchers/cursor";
import { iso } from "@/server/vouchers/queries";
import { type MatchOrder, type MatchVoucher, matchVouchers, UNAVAILABLE_REASONS } from "./rules";

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
    /** R-INV-1: only the cash part can be invoiced, less the cash paid back by a refund. */
    invoiceableMinor:
      o.status === "Pending Payment" || o.status === "Cancelled"
        ? 0
        : o.cashMinor - Number(cashRefundedMinor),
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
 * One listed voucher as the statement sends it: a JSON array, in this order. Only what the pure
 * matcher and the page need (no `source`).
 */
type ListedTuple = [
  id: string,
  accountId: string,
  currency: string,
  nominalMinor: number,
  balanceMinor: number,
  commodities: string[],
  scopes: string[],
  paymentTypes: string[],
  minOrderMinor: number,
  effectiveFromMs: number,
  expiresAtMs: number,
  issuedAtMs: number,
  reclaimed: boolean,
  description: string,
];
/** [applicable count, unavailable count, the listed vouchers (null when there are none)]. */
type OptionsJson = [applicableCount: number, unavailableCount: number, listed: ListedTuple[] | null];

/**
 * An instant as epoch milliseconds, floored: the same Date as parsing its microsecond text (which
 * drops the digits after the milliseconds), without a string to parse per instant.
 */
const epochMs = (column: string) => sql.raw(`floor(extract(epoch FROM ${column}) * 1000)::bigint`);

type Listed = MatchVoucher & { nominalMinor: number; description: string };

/**
 * The voucher part of the payment page, correlated with the order row of the outer query (one
 * evaluation: the order is looked up by its primary key). `ok` is the SQL twin of
 * `unavailableReasons` (tests/orders-matching-twin.test.ts keeps them in step).
 *
 * One pass over all of the account's cash vouchers (own and shared with it) keeps only narrow
 * columns (id, the R-MATCH-4 sort keys, `ok`); from it come the two counts, the first applicable
 * ones by priority and the first unavailable ones by ID (both in code-unit order, `COLLATE "C"`,
 * as the pure function sorts). Only those ≤ 2 × MAX_LISTED rows are read again with their wide
 * columns, and sent as one JSON value (parsed natively, no per-column parsing).
 */
const optionsSql = sql<OptionsJson | string | null>`(
  WITH k AS MATERIALIZED (
    SELECT c.id, c.balance_minor, c.expires_at, c.issued_at,
           (c.reclaimed_at IS NULL AND now() < c.expires_at AND now() >= c.effective_from AND c.balance_minor > 0
            AND c.currency = ${orders.currency}
            AND CASE WHEN cardinality(c.commodities) = 0 THEN NOT ${products.excludedFromGeneral}
                     ELSE ${orders.productCode} = ANY(c.commodities) END
            AND (cardinality(c.scopes) = 0 OR ${orders.transactionType} = ANY(c.scopes))
            AND ${orders.paymentType} = ANY(c.payment_types)
            AND ${orders.amountMinor} >= c.min_order_minor) AS ok
    FROM coupons c
    WHERE c.coupon_type = 'Cash Coupon'
      AND (c.account_id = ${orders.accountId}
           OR c.id = ANY(ARRAY(SELECT s.coupon_id FROM coupon_shares s WHERE s.account_id = ${orders.accountId})))),
  listed AS (
    (SELECT id FROM k WHERE ok
      ORDER BY balance_minor DESC, expires_at, issued_at, id COLLATE "C" LIMIT ${sql.raw(String(MAX_LISTED))})
    UNION ALL
    (SELECT id FROM k WHERE NOT ok ORDER BY id COLLATE "C" LIMIT ${sql.raw(String(MAX_LISTED))}))
  SELECT json_build_array(
           count(*) FILTER (WHERE ok),
           count(*) FILTER (WHERE NOT ok),
           (SELECT json_agg(json_build_array(c.id, c.account_id, c.currency, c.nominal_minor, c.balance_minor,
                                             c.commodities, c.scopes, c.payment_types, c.min_order_minor,
                                             ${epochMs("c.effective_from")}, ${epochMs("c.expires_at")},
                                             ${epochMs("c.issued_at")}, c.reclaimed_at IS NOT NULL, c.description))
              FROM listed JOIN coupons c ON c.id = listed.id))
  FROM k)`;

/**
 * The payment page's voucher section (R-MATCH-1..4), judged by the database clock (R-TIME-1).
 * One prepared statement, one round trip: the order (as `getOrder` shows it), whether its product
 * is excluded from general vouchers, the database's `now()`, and the voucher part (`optionsSql`):
 * the counts over all of the account's vouchers and only the rows the page lists. The pure
 * function then judges exactly those rows and gives the reasons.
 */
export async function paymentOptions(db: Executor, accountId: string, orderId: string) {
  const query = preparedQuery(db, "payment-options", () =>
    db
      .select({
        ...orderColumns,
        excludedFromGeneral: products.excludedFromGeneral,
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
  const { excludedFromGeneral, now: nowText, options, ...orderRow } = found;
  const order = present(orderRow);
  const now = new Date(iso(nowText));
  const [applicableCount, unavailableCount, listed] = ((typeof options === "string"
    ? JSON.parse(options)
    : options) ?? [0, 0, null]) as OptionsJson;
  const vouchers: Listed[] = (listed ?? []).map((r) => ({
    id: r[0],
    accountId: r[1],
    sharedWith: r[1] === accountId ? [] : [accountId],
    currency: r[2],
    nominalMinor: r[3],
    balanceMinor: r[4],
    commodities: r[5],
    scopes: r[6],
    paymentTypes: r[7],
    minOrderMinor: r[8],
    effectiveFrom: new Date(r[9]),
    expiresAt: new Date(r[10]),
    issuedAt: new Date(r[11]),
    reclaimed: r[12],
    description: r[13],
  }));
  // Only the order's product matters to the matcher's exclusion check (R-MATCH-2).
  const excluded = new Set(excludedFromGeneral ? [order.productCode] : []);
  const m = matchVouchers(order as MatchOrder, vouchers, now, excluded);
  const view = (v: Listed) => ({
    id: v.id,
    balanceMinor: v.balanceMinor,
    nominalMinor: v.nominalMinor,
    currency: v.currency,
    expiresAt: v.expiresAt.toISOString(),
    effectiveFrom: v.effectiveFrom.toISOString(),
    commodities: [...v.commodities],
    scopes: [...v.scopes],
    minOrderMinor: v.minOrderMinor,
    shared: v.accountId !== accountId,
    description: v.description,
  });
  return {
    order,
    evaluatedAt: now.toISOString(),
    defaultVoucherId: m.defaultVoucherId,
    applicableCount,
    // Object.assign rather than a spread: the same keys in the same order, at a third of the cost.
    applicable: m.applicable.map((a) => Object.assign(view(a.voucher), { deductionMinor: a.deductionMinor })),
    unavailableCount,
    unavailable: m.unavailable.map((u) =>
      Object.assign(view(u.voucher), {
        reasons: u.reasons.map((code) => ({ code, text: UNAVAILABLE_REASONS[code] })),
      }),
    ),
  };
}
