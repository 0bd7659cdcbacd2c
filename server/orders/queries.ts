import { and, desc, eq, or, type SQL, sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { coupons, couponShares, orders, products } from "@/db/schema";
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
};

type OrderRow = { createdAt: string | Date; paidAt: string | Date | null; status: string; cashMinor: number };
function present<T extends OrderRow>(o: T) {
  return {
    ...o,
    createdAt: iso(o.createdAt),
    paidAt: o.paidAt ? iso(o.paidAt) : null,
    /** R-INV-1: only the cash part can be invoiced. */
    invoiceableMinor: o.status === "Pending Payment" || o.status === "Cancelled" ? 0 : o.cashMinor,
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

/** The general-voucher exclusion list (data, R-MATCH-2). */
export async function excludedProducts(db: Executor): Promise<Set<string>> {
  const found = await db
    .select({ code: products.code })
    .from(products)
    .where(eq(products.excludedFromGeneral, true));
  return new Set(found.map((p) => p.code));
}

export type Candidate = MatchVoucher & { nominalMinor: number; description: string; source: string };

/**
 * The cash vouchers an account may use: its own and those shared with it, with the database
 * clock. `forUpdate` locks the rows (payment transaction); `onlyId` narrows to one voucher.
 */
export async function candidateVouchers(
  db: Executor,
  accountId: string,
  opts: { onlyId?: string; forUpdate?: boolean } = {},
): Promise<{ now: Date; vouchers: Candidate[] }> {
  const usable = or(
    eq(coupons.accountId, accountId),
    sql`${coupons.id} = ANY(ARRAY(SELECT ${couponShares.couponId} FROM ${couponShares} WHERE ${couponShares.accountId} = ${accountId}))`,
  );
  const where = and(
    eq(coupons.couponType, "Cash Coupon"),
    opts.onlyId ? eq(coupons.id, opts.onlyId) : usable,
  );
  const q = db
    .select({
      id: coupons.id,
      accountId: coupons.accountId,
      currency: coupons.currency,
      nominalMinor: coupons.nominalMinor,
      balanceMinor: coupons.balanceMinor,
      commodities: coupons.commodities,
      scopes: coupons.scopes,
      paymentTypes: coupons.paymentTypes,
      minOrderMinor: coupons.minOrderMinor,
      effectiveFrom: coupons.effectiveFrom,
      expiresAt: coupons.expiresAt,
      issuedAt: coupons.issuedAt,
      reclaimedAt: coupons.reclaimedAt,
      shared: coupons.shared,
      description: coupons.description,
      source: coupons.source,
      now: sql<string>`now()::text`,
    })
    .from(coupons)
    .where(where);
  const found = opts.forUpdate ? await q.for("update") : await q;
  const sharedIds = found.filter((v) => v.shared).map((v) => v.id);
  const shares = sharedIds.length
    ? await rows<{ coupon_id: string; account_id: string }>(
        db,
        sql`SELECT coupon_id, account_id FROM coupon_shares WHERE coupon_id IN ${sharedIds} AND account_id = ${accountId}`,
      )
    : [];
  const sharedWithMe = new Set(shares.map((s) => s.coupon_id));
  const now =
    found[0]?.now ??
    (await rows<{ now: string }>(db, sql`SELECT now()::text AS now`))[0]?.now ??
    new Date().toISOString();
  return {
    now: new Date(iso(now)),
    vouchers: found.map((v) => ({
      id: v.id,
      accountId: v.accountId,
      sharedWith: sharedWithMe.has(v.id) ? [accountId] : [],
      currency: v.currency,
      nominalMinor: v.nominalMinor,
      balanceMinor: v.balanceMinor,
      commodities: v.commodities,
      scopes: v.scopes,
      paymentTypes: v.paymentTypes,
      minOrderMinor: v.minOrderMinor,
      effectiveFrom: new Date(iso(v.effectiveFrom)),
      expiresAt: new Date(iso(v.expiresAt)),
      issuedAt: new Date(iso(v.issuedAt)),
      reclaimed: v.reclaimedAt !== null,
      description: v.description,
      source: v.source,
    })),
  };
}

const MAX_LISTED = 100;

type OptionRow = {
  id: string;
  account_id: string;
  currency: string;
  nominal_minor: string;
  balance_minor: string;
  commodities: string[];
  scopes: string[];
  payment_types: string[];
  min_order_minor: string;
  effective_from: string | Date;
  expires_at: string | Date;
  issued_at: string | Date;
  reclaimed: boolean;
  description: string;
  source: string;
  ok: boolean;
  applicable_count: string;
  unavailable_count: string;
  now: string;
};

/**
 * The payment page's voucher section (R-MATCH-1..3), judged by the database clock.
 * The database narrows: over all of the account's vouchers (10,000 or more) it counts the
 * applicable and unavailable ones with `ok`, the SQL twin of `unavailableReasons` (a test keeps
 * them in step), and returns only what the page lists: the first applicable ones by priority and
 * the first unavailable ones by ID. The pure function then judges exactly those rows and gives
 * the reasons.
 */
export async function paymentOptions(db: Executor, accountId: string, orderId: string) {
  const order = await getOrder(db, accountId, orderId);
  const found = await rows<OptionRow>(
    db,
    sql`WITH cand AS (
          SELECT c.id, c.account_id, c.currency, c.nominal_minor::text, c.balance_minor::text, c.commodities,
                 c.scopes::text[] AS scopes, c.payment_types::text[] AS payment_types, c.min_order_minor::text,
                 c.effective_from, c.expires_at, c.issued_at, c.reclaimed_at IS NOT NULL AS reclaimed,
                 c.description, c.source::text AS source,
                 (c.reclaimed_at IS NULL AND now() < c.expires_at AND now() >= c.effective_from AND c.balance_minor > 0
                  AND c.currency = ${order.currency}
                  AND CASE WHEN cardinality(c.commodities) = 0
                           THEN NOT coalesce((SELECT p.excluded_from_general FROM products p WHERE p.code = ${order.productCode}), false)
                           ELSE ${order.productCode} = ANY(c.commodities) END
                  AND (cardinality(c.scopes) = 0 OR ${order.transactionType}::transaction_type = ANY(c.scopes))
                  AND ${order.paymentType}::payment_type = ANY(c.payment_types)
                  AND ${order.amountMinor} >= c.min_order_minor) AS ok
          FROM coupons c
          WHERE c.coupon_type = 'Cash Coupon'
            AND (c.account_id = ${accountId}
                 OR c.id = ANY(ARRAY(SELECT s.coupon_id FROM coupon_shares s WHERE s.account_id = ${accountId})))),
        counts AS (SELECT count(*) FILTER (WHERE ok)::text AS applicable_count,
                          count(*) FILTER (WHERE NOT ok)::text AS unavailable_count FROM cand)
        (SELECT cand.*, counts.*, now()::text AS now FROM cand, counts WHERE ok
          ORDER BY cand.balance_minor::bigint DESC, cand.expires_at, cand.issued_at, cand.id LIMIT ${MAX_LISTED})
        UNION ALL
        (SELECT cand.*, counts.*, now()::text AS now FROM cand, counts WHERE NOT ok ORDER BY cand.id LIMIT ${MAX_LISTED})
        UNION ALL
        (SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                counts.*, now()::text FROM counts)`,
  );
  const [summary] = found.filter((r) => r.id === null);
  const now = new Date(iso(summary?.now ?? new Date().toISOString()));
  const vouchers: Candidate[] = found
    .filter((r) => r.id !== null)
    .map((r) => ({
      id: r.id,
      accountId: r.account_id,
      sharedWith: r.account_id === accountId ? [] : [accountId],
      currency: r.currency,
      nominalMinor: Number(r.nominal_minor),
      balanceMinor: Number(r.balance_minor),
      commodities: r.commodities,
      scopes: r.scopes,
      paymentTypes: r.payment_types,
      minOrderMinor: Number(r.min_order_minor),
      effectiveFrom: new Date(iso(r.effective_from)),
      expiresAt: new Date(iso(r.expires_at)),
      issuedAt: new Date(iso(r.issued_at)),
      reclaimed: r.reclaimed,
      description: r.description,
      source: r.source,
    }));
  const m = matchVouchers(order as MatchOrder, vouchers, now, await excludedProducts(db));
  const view = (v: Candidate) => ({
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
    applicableCount: Number(summary?.applicable_count ?? 0),
    applicable: m.applicable.map((a) => ({ ...view(a.voucher), deductionMinor: a.deductionMinor })),
    unavailableCount: Number(summary?.unavailable_count ?? 0),
    unavailable: m.unavailable.map((u) => ({
      ...view(u.voucher),
      reasons: u.reasons.map((code) => ({ code, text: UNAVAILABLE_REASONS[code] })),
    })),
  };
}
