import { relations, sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { accounts, users } from "./accounts";
import { paymentType, transactionType } from "./catalog";

const money = (name?: string) => (name ? bigint(name, { mode: "number" }) : bigint({ mode: "number" }));
const ts = () => timestamp({ withTimezone: true, mode: "string" });

export const couponType = pgEnum("coupon_type", ["Cash Coupon", "Discount Coupon"]);
export const couponSource = pgEnum("coupon_source", ["Direct issuance", "Campaign", "Quota pool"]);

/**
 * A coupon; a voucher is a coupon of type Cash Coupon (R-VOU-1). Status is never stored:
 * it is derived from the validity period, the balance and `reclaimedAt` (R-VOU-2).
 * Empty `commodities` / `scopes` mean General.
 */
export const coupons = pgTable(
  "coupons",
  {
    id: text().primaryKey(),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    couponType: couponType().notNull().default("Cash Coupon"),
    currency: text().notNull(),
    nominalMinor: money().notNull(),
    balanceMinor: money().notNull(),
    /** Discount coupons: percent off in basis points and a cap in minor units. */
    discountBps: integer(),
    discountCapMinor: money(),
    commodities: text().array().notNull().default(sql`'{}'::text[]`),
    scopes: transactionType().array().notNull().default(sql`'{}'::transaction_type[]`),
    paymentTypes: paymentType()
      .array()
      .notNull()
      .default(sql`'{Subscription,Pay-as-you-go}'::payment_type[]`),
    minOrderMinor: money().notNull().default(0),
    effectiveFrom: ts().notNull(),
    /** Exclusive end instant (R-TIME-1). */
    expiresAt: ts().notNull(),
    issuedAt: ts().notNull().defaultNow(),
    source: couponSource().notNull().default("Direct issuance"),
    description: text().notNull().default(""),
    shared: boolean().notNull().default(false),
    poolId: text(),
    reclaimedAt: ts(),
  },
  (t) => [
    check("coupons_balance_nonneg", sql`${t.balanceMinor} >= 0`),
    check("coupons_balance_le_nominal", sql`${t.balanceMinor} <= ${t.nominalMinor}`),
    check("coupons_nominal_pos", sql`${t.nominalMinor} > 0`),
    check("coupons_min_order_nonneg", sql`${t.minOrderMinor} >= 0`),
    check("coupons_validity", sql`${t.expiresAt} > ${t.effectiveFrom}`),
    check("coupons_discount_fields", sql`(${t.couponType} = 'Cash Coupon') = (${t.discountBps} IS NULL)`),
    // Keyset indexes for the Coupons tab: one per sort key, each leading with the account;
    // (key, id) ascending serves both directions (forward or backward scan).
    index("coupons_account_balance_idx").on(t.accountId, t.balanceMinor, t.id),
    index("coupons_account_expiry_idx").on(t.accountId, t.expiresAt, t.id),
    index("coupons_account_issued_idx").on(t.accountId, t.issuedAt, t.id),
    // An administrator's "All" spans many accounts (R-LIST-5): the page is then read in sort order
    // from these and filtered by account, instead of sorting every voucher of every account.
    index("coupons_balance_idx").on(t.balanceMinor, t.id),
    index("coupons_expiry_idx").on(t.expiresAt, t.id),
    index("coupons_issued_idx").on(t.issuedAt, t.id),
    index("coupons_pool_idx").on(t.poolId),
  ],
);

/** Accounts that may use a shared voucher (R-VOU-1, R-POOL-3). */
export const couponShares = pgTable(
  "coupon_shares",
  {
    couponId: text()
      .notNull()
      .references(() => coupons.id),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.couponId, t.accountId] }),
    index("coupon_shares_account_idx").on(t.accountId),
  ],
);

export const ledgerType = pgEnum("ledger_type", ["Issuance", "Deduction", "Refund", "Reclaim", "Expiry"]);

/**
 * Append-only voucher ledger (R-VOU-4). A trigger (migration 0001) refuses UPDATE and DELETE.
 * `amountMinor` is always positive; the type gives the direction.
 */
export const couponLedger = pgTable(
  "coupon_ledger",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    couponId: text()
      .notNull()
      .references(() => coupons.id),
    /** The account whose order/bill used the voucher, or the owner for issuance. */
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    actorUserId: text().references(() => users.id),
    type: ledgerType().notNull(),
    amountMinor: money().notNull(),
    balanceAfterMinor: money().notNull(),
    orderId: text(),
    billId: text(),
    billLineId: text(),
    refundId: text(),
    note: text().notNull().default(""),
    /** The instant the row was written, not the transaction start: ledger order follows lock order. */
    createdAt: ts().notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    check("coupon_ledger_amount_pos", sql`${t.amountMinor} > 0`),
    check("coupon_ledger_balance_after_nonneg", sql`${t.balanceAfterMinor} >= 0`),
    index("coupon_ledger_coupon_idx").on(t.couponId, t.createdAt, t.id),
    // One voucher per order (R-MATCH-4): at most one deduction row per order.
    uniqueIndex("coupon_ledger_one_deduction_per_order")
      .on(t.orderId)
      .where(sql`${t.type} = 'Deduction' AND ${t.orderId} IS NOT NULL`),
    uniqueIndex("coupon_ledger_one_deduction_per_bill_line")
      .on(t.billLineId, t.couponId)
      .where(sql`${t.type} = 'Deduction' AND ${t.billLineId} IS NOT NULL`),
    // The expiry scan counts a voucher's refunds: its arming generation (R-NOTIFY-1, migration 0011).
    index("coupon_ledger_refund_idx").on(t.couponId).where(sql`${t.type} = 'Refund'`),
    // A bill's page reads which voucher paid which of its lines (R-PAYG-1).
    index("coupon_ledger_bill_idx").on(t.billId, t.billLineId).where(sql`${t.billId} IS NOT NULL`),
  ],
);

export const couponsRelations = relations(coupons, ({ one, many }) => ({
  account: one(accounts, { fields: [coupons.accountId], references: [accounts.id] }),
  shares: many(couponShares),
  ledger: many(couponLedger),
}));
export const couponLedgerRelations = relations(couponLedger, ({ one }) => ({
  coupon: one(coupons, { fields: [couponLedger.couponId], references: [coupons.id] }),
}));
