/**
 * Helpers for the order and payment tests (tests/orders-*.test.ts): vouchers and orders made
 * directly in SQL, error classification, and the order/ledger invariants of a paid order.
 */
import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq, or, sql } from "drizzle-orm";
import { expect } from "vitest";
import { type Executor, rows } from "@/db/client";
import { coupons, couponShares, products } from "@/db/schema";
import { DomainError } from "@/server/errors";
import type { MatchVoucher } from "@/server/orders/rules";
import { iso } from "@/server/vouchers/queries";

export const newKey = (prefix = "k") => `${prefix}-${randomBytes(9).toString("base64url")}`;

export type VoucherSpec = {
  id: string;
  accountId: string;
  nominalMinor: number;
  /** Defaults to the nominal value; anything lower is recorded as one earlier Deduction. */
  currency?: string;
  commodities?: string[];
  scopes?: string[];
  paymentTypes?: string[];
  minOrderMinor?: number;
  /** SQL expressions relative to the database clock; default: effective 10 days ago, expires in 30 days. */
  effectiveFrom?: ReturnType<typeof sql>;
  expiresAt?: ReturnType<typeof sql>;
  /** Accounts the voucher is shared with (coupon_shares). */
  sharedWith?: string[];
};

const pgArray = (xs: readonly string[]) => `{${xs.map((x) => `"${x}"`).join(",")}}`;

/** Inserts a cash voucher and its Issuance ledger row (so the ledger invariant holds). */
export async function insertVoucher(db: Executor, v: VoucherSpec): Promise<void> {
  const shared = (v.sharedWith ?? []).length > 0;
  await db.execute(sql`
    INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, commodities, scopes,
                         payment_types, min_order_minor, effective_from, expires_at, issued_at, source, description, shared)
    VALUES (${v.id}, ${v.accountId}, 'Cash Coupon', ${v.currency ?? "USD"}, ${v.nominalMinor}, ${v.nominalMinor},
            ${pgArray(v.commodities ?? [])}::text[], ${pgArray(v.scopes ?? [])}::transaction_type[],
            ${pgArray(v.paymentTypes ?? ["Subscription", "Pay-as-you-go"])}::payment_type[], ${v.minOrderMinor ?? 0},
            ${v.effectiveFrom ?? sql`now() - interval '10 days'`}, ${v.expiresAt ?? sql`now() + interval '30 days'`},
            now() - interval '11 days', 'Direct issuance', 'test voucher', ${shared})`);
  await db.execute(sql`
    INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, note, created_at)
    VALUES (${v.id}, ${v.accountId}, 'Issuance', ${v.nominalMinor}, ${v.nominalMinor}, 'test issuance', now() - interval '11 days')`);
  for (const a of v.sharedWith ?? []) {
    await db.execute(sql`INSERT INTO coupon_shares (coupon_id, account_id) VALUES (${v.id}, ${a})`);
  }
}

export type PendingOrder = {
  id: string;
  accountId: string;
  amountMinor: number;
  productCode?: string;
  paymentType?: string;
  transactionType?: string;
};

/** Inserts pending orders in bulk (one statement per 1,000), as orders.create would leave them. */
export async function insertPendingOrders(db: Executor, list: readonly PendingOrder[]): Promise<void> {
  for (let i = 0; i < list.length; i += 1000) {
    const chunk = list.slice(i, i + 1000);
    const values = sql.join(
      chunk.map(
        (o) =>
          sql`(${o.id}, ${o.accountId}, ${o.productCode ?? "ecs"}, ${o.paymentType ?? "Subscription"}::payment_type,
               ${o.transactionType ?? "New Purchase"}::transaction_type, 'USD', ${o.amountMinor})`,
      ),
      sql`, `,
    );
    await db.execute(
      sql`INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor) VALUES ${values}`,
    );
  }
}

export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: TRPCError["code"] | "NOT_TRPC"; domainCode: string | undefined; message: string };

/** Runs a call and records its success or its typed failure (never throws). */
export async function outcome<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (e) {
    if (e instanceof TRPCError) {
      return {
        ok: false,
        code: e.code,
        domainCode: e.cause instanceof DomainError ? e.cause.code : undefined,
        message: e.message,
      };
    }
    return { ok: false, code: "NOT_TRPC", domainCode: undefined, message: String(e) };
  }
}

/** The domain code a failing call carried (data.domainCode in the HTTP answer). */
export async function expectDomainError(call: Promise<unknown>, code: TRPCError["code"], domainCode: string) {
  const o = await outcome(call);
  expect(o.ok, `expected ${code}/${domainCode}, but the call succeeded`).toBe(false);
  if (o.ok) return;
  expect({ code: o.code, domainCode: o.domainCode }, o.message).toEqual({ code, domainCode });
  return o;
}

export async function count(
  db: Executor,
  table: "orders" | "coupon_ledger" | "idempotency_keys",
): Promise<number> {
  const [r] = await rows<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM ${sql.identifier(table)}`);
  return Number(r?.n);
}

export async function balanceOf(db: Executor, couponId: string): Promise<number> {
  const [r] = await rows<{ b: string }>(
    db,
    sql`SELECT balance_minor::text AS b FROM coupons WHERE id = ${couponId}`,
  );
  return Number(r?.b);
}

export type OrderRowView = {
  id: string;
  account_id: string;
  status: string;
  coupon_id: string | null;
  amount_minor: number;
  voucher_minor: number;
  cash_minor: number;
};

export async function orderRow(db: Executor, id: string): Promise<OrderRowView | undefined> {
  const [r] = await rows<Record<string, string | null>>(
    db,
    sql`SELECT id, account_id, status::text AS status, coupon_id, amount_minor::text AS amount_minor,
               voucher_minor::text AS voucher_minor, cash_minor::text AS cash_minor FROM orders WHERE id = ${id}`,
  );
  if (!r) return undefined;
  return {
    id: r.id as string,
    account_id: r.account_id as string,
    status: r.status as string,
    coupon_id: r.coupon_id ?? null,
    amount_minor: Number(r.amount_minor),
    voucher_minor: Number(r.voucher_minor),
    cash_minor: Number(r.cash_minor),
  };
}

export type DeductionRow = {
  id: number;
  coupon_id: string;
  account_id: string;
  order_id: string;
  amount_minor: number;
  balance_after_minor: number;
};

export async function deductionsOf(db: Executor, orderId: string): Promise<DeductionRow[]> {
  const found = await rows<Record<string, string>>(
    db,
    sql`SELECT id::text, coupon_id, account_id, order_id, amount_minor::text, balance_after_minor::text
          FROM coupon_ledger WHERE type = 'Deduction' AND order_id = ${orderId} ORDER BY id`,
  );
  return found.map((r) => ({
    id: Number(r.id),
    coupon_id: r.coupon_id as string,
    account_id: r.account_id as string,
    order_id: r.order_id as string,
    amount_minor: Number(r.amount_minor),
    balance_after_minor: Number(r.balance_after_minor),
  }));
}

/**
 * INV-1/3/4 over every order and voucher: balance within [0, nominal]; paid order parts add up;
 * voucher part = its one Deduction row (same voucher, same account); pending orders have none;
 * Σ Deduction per voucher = nominal − balance for vouchers with only Issuance + Deduction rows.
 */
export async function assertOrderInvariants(db: Executor): Promise<void> {
  const problems = await rows<{ id: string; problem: string }>(
    db,
    sql`WITH d AS (
          SELECT order_id, count(*) AS n, sum(amount_minor) AS amt, min(coupon_id) AS coupon_id,
                 min(account_id) AS account_id, max(coupon_id) AS coupon_id_max
            FROM coupon_ledger WHERE type = 'Deduction' AND order_id IS NOT NULL GROUP BY order_id)
        SELECT id, 'balance out of range' AS problem FROM coupons WHERE balance_minor < 0 OR balance_minor > nominal_minor
        UNION ALL
        SELECT o.id, 'paid parts do not add up' FROM orders o
         WHERE o.status = 'Paid' AND o.voucher_minor + o.cash_minor <> o.amount_minor
        UNION ALL
        SELECT d.order_id, 'more than one Deduction row' FROM d WHERE d.n > 1
        UNION ALL
        SELECT o.id, 'voucher part <> Deduction row' FROM orders o LEFT JOIN d ON d.order_id = o.id
         WHERE o.status = 'Paid' AND o.voucher_minor <> coalesce(d.amt, 0)
        UNION ALL
        SELECT o.id, 'Deduction row of another voucher or account' FROM orders o JOIN d ON d.order_id = o.id
         WHERE d.coupon_id IS DISTINCT FROM o.coupon_id OR d.account_id <> o.account_id
        UNION ALL
        SELECT o.id, 'pending order with a deduction or a voucher' FROM orders o LEFT JOIN d ON d.order_id = o.id
         WHERE o.status = 'Pending Payment' AND (d.n IS NOT NULL OR o.voucher_minor <> 0 OR o.coupon_id IS NOT NULL)
        ORDER BY 1, 2`,
  );
  expect(problems, "order/ledger invariants (INV-1, INV-3, INV-4)").toEqual([]);
}

/** Nominal − balance − Σ Deduction per voucher (0 for vouchers with no refunds or reclaims). */
export async function deductionDrift(
  db: Executor,
  couponIds: readonly string[],
): Promise<Map<string, number>> {
  const found = await rows<{ id: string; drift: string }>(
    db,
    sql`SELECT c.id, (c.nominal_minor - c.balance_minor
                      - coalesce((SELECT sum(amount_minor) FROM coupon_ledger l
                                   WHERE l.coupon_id = c.id AND l.type = 'Deduction'), 0))::text AS drift
          FROM coupons c WHERE c.id IN ${couponIds}`,
  );
  return new Map(found.map((r) => [r.id, Number(r.drift)]));
}

/** p50/p99 of a list of durations in ms. */
export function percentiles(ms: number[]): { p50: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { p50: Math.round(at(0.5)), p99: Math.round(at(0.99)) };
}

/** The general-voucher exclusion list (data, R-MATCH-2). */
export async function excludedProducts(db: Executor): Promise<Set<string>> {
  const found = await db
    .select({ code: products.code })
    .from(products)
    .where(eq(products.excludedFromGeneral, true));
  return new Set(found.map((p) => p.code));
}

/**
 * The reference read for the matching tests: every cash voucher an account may use (its own and
 * those shared with it) with the database clock, read plainly, for judging with the pure matcher.
 */
export async function candidateVouchers(
  db: Executor,
  accountId: string,
): Promise<{ now: Date; vouchers: MatchVoucher[] }> {
  const usable = or(
    eq(coupons.accountId, accountId),
    sql`${coupons.id} = ANY(ARRAY(SELECT ${couponShares.couponId} FROM ${couponShares} WHERE ${couponShares.accountId} = ${accountId}))`,
  );
  // Discount coupons too: the page lists them as unavailable (DISCOUNT_COUPON).
  const where = usable;
  const found = await db
    .select({
      id: coupons.id,
      accountId: coupons.accountId,
      couponType: coupons.couponType,
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
      now: sql<string>`now()::text`,
    })
    .from(coupons)
    .where(where);
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
      couponType: v.couponType,
    })),
  };
}
