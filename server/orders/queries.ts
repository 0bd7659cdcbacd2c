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
    sql`${coupons.id} IN (SELECT ${couponShares.couponId} FROM ${couponShares} WHERE ${couponShares.accountId} = ${accountId})`,
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

/** The payment page's voucher section (R-MATCH-1..3), judged by the database clock. */
export async function paymentOptions(db: Executor, accountId: string, orderId: string) {
  const order = await getOrder(db, accountId, orderId);
  const [{ now, vouchers }, excluded] = await Promise.all([
    candidateVouchers(db, accountId),
    excludedProducts(db),
  ]);
  const m = matchVouchers(order as MatchOrder, vouchers, now, excluded);
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
    applicableCount: m.applicable.length,
    applicable: m.applicable
      .slice(0, MAX_LISTED)
      .map((a) => ({ ...view(a.voucher), deductionMinor: a.deductionMinor })),
    unavailableCount: m.unavailable.length,
    unavailable: m.unavailable.slice(0, MAX_LISTED).map((u) => ({
      ...view(u.voucher),
      reasons: u.reasons.map((code) => ({ code, text: UNAVAILABLE_REASONS[code] })),
    })),
  };
}
