import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { accounts, enterprises, users } from "./accounts";
import { paymentType, products, transactionType } from "./catalog";
import { coupons } from "./vouchers";

const money = () => bigint({ mode: "number" });
const ts = () => timestamp({ withTimezone: true, mode: "string" });

export const orderStatus = pgEnum("order_status", [
  "Pending Payment",
  "Paid",
  "Refunded",
  "Partially Refunded",
  "Cancelled",
]);

/** Orders (R-MATCH-*). voucherMinor + cashMinor = amountMinor once paid; cash is the invoiceable part (R-INV-1). */
export const orders = pgTable(
  "orders",
  {
    id: text().primaryKey(),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    productCode: text()
      .notNull()
      .references(() => products.code),
    paymentType: paymentType().notNull(),
    transactionType: transactionType().notNull(),
    currency: text().notNull(),
    amountMinor: money().notNull(),
    status: orderStatus().notNull().default("Pending Payment"),
    couponId: text().references(() => coupons.id),
    voucherMinor: money().notNull().default(0),
    cashMinor: money().notNull().default(0),
    renewalOfOrderId: text(),
    createdAt: ts().notNull().defaultNow(),
    paidAt: ts(),
  },
  (t) => [
    check("orders_amount_pos", sql`${t.amountMinor} > 0`),
    check("orders_parts_nonneg", sql`${t.voucherMinor} >= 0 AND ${t.cashMinor} >= 0`),
    check(
      "orders_parts_sum",
      sql`${t.status} = 'Pending Payment' OR ${t.status} = 'Cancelled' OR ${t.voucherMinor} + ${t.cashMinor} = ${t.amountMinor}`,
    ),
    index("orders_account_idx").on(t.accountId, t.createdAt, t.id),
  ],
);

export const billStatus = pgEnum("bill_status", ["Open", "Closed"]);

/**
 * Pay-as-you-go bills, one per account and monthly billing cycle (R-PAYG-1). Totals are derived
 * from the lines, never stored; close_bill() (db/sql) applies vouchers and marks the bill Closed.
 */
export const bills = pgTable(
  "bills",
  {
    id: text().primaryKey(),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    cycle: text().notNull(),
    currency: text().notNull(),
    status: billStatus().notNull().default("Open"),
    createdAt: ts().notNull().defaultNow(),
    closedAt: ts(),
  },
  (t) => [
    uniqueIndex("bills_account_cycle_key").on(t.accountId, t.cycle),
    index("bills_cycle_status_idx").on(t.cycle, t.status, t.id),
  ],
);

export const billLines = pgTable(
  "bill_lines",
  {
    id: text().primaryKey(),
    billId: text()
      .notNull()
      .references(() => bills.id),
    productCode: text()
      .notNull()
      .references(() => products.code),
    amountMinor: money().notNull(),
    /** What vouchers paid of this line at the close (R-PAYG-1); the rest is cash due. */
    voucherMinor: money().notNull().default(0),
    /** The instant the usage happened (its hour, for metered products). */
    usageAt: ts().notNull().defaultNow(),
    description: text().notNull().default(""),
  },
  (t) => [
    check("bill_lines_amount_pos", sql`${t.amountMinor} > 0`),
    check(
      "bill_lines_voucher_le_amount",
      sql`${t.voucherMinor} >= 0 AND ${t.voucherMinor} <= ${t.amountMinor}`,
    ),
    index("bill_lines_bill_idx").on(t.billId, t.usageAt, t.id),
  ],
);

/** Coupon Quota Pool (R-POOL-*). Funds never negative. */
export const quotaPools = pgTable(
  "quota_pools",
  {
    id: text().primaryKey(),
    enterpriseId: text()
      .notNull()
      .references(() => enterprises.id),
    currency: text().notNull(),
    fundsMinor: money().notNull().default(0),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [
    check("quota_pools_funds_nonneg", sql`${t.fundsMinor} >= 0`),
    uniqueIndex("quota_pools_enterprise_key").on(t.enterpriseId, t.currency),
  ],
);

export const poolEntryType = pgEnum("pool_entry_type", ["Move In", "Generate", "Reclaim", "Refund"]);

/** Append-only pool ledger: funds = Σ move-in − Σ generate + Σ reclaim + Σ refund. */
export const poolLedger = pgTable(
  "pool_ledger",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    poolId: text()
      .notNull()
      .references(() => quotaPools.id),
    type: poolEntryType().notNull(),
    amountMinor: money().notNull(),
    fundsAfterMinor: money().notNull(),
    couponId: text().references(() => coupons.id),
    actorUserId: text().references(() => users.id),
    /** The instant the row was written, not the transaction start: ledger order follows lock order. */
    createdAt: ts().notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    check("pool_ledger_amount_pos", sql`${t.amountMinor} > 0`),
    index("pool_ledger_pool_idx").on(t.poolId, t.id),
  ],
);

/** Dated refund rules (R-REF-1): data keyed by effective time. */
export const refundRuleMode = pgEnum("refund_rule_mode", ["cash_only", "proportional"]);
export const refundRules = pgTable("refund_rules", {
  id: text().primaryKey(),
  effectiveFrom: ts().notNull(),
  appliesTo: text().notNull(), // 'subscription' | 'resource_plan'
  mode: refundRuleMode().notNull(),
  description: text().notNull(),
});

export const refunds = pgTable(
  "refunds",
  {
    id: text().primaryKey(),
    orderId: text()
      .notNull()
      .references(() => orders.id),
    amountMinor: money().notNull(),
    voucherReturnedMinor: money().notNull(),
    cashRefundedMinor: money().notNull(),
    ruleId: text().references(() => refundRules.id),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [
    check("refunds_parts", sql`${t.voucherReturnedMinor} + ${t.cashRefundedMinor} <= ${t.amountMinor}`),
    index("refunds_order_idx").on(t.orderId),
  ],
);

/** Append-only audit log (R-POOL-5). */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    enterpriseId: text().references(() => enterprises.id),
    actorUserId: text().references(() => users.id),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text().notNull(),
    beforeMinor: money(),
    afterMinor: money(),
    details: jsonb().notNull().default(sql`'{}'::jsonb`),
    /** The instant the row was written, not the transaction start: ledger order follows lock order. */
    createdAt: ts().notNull().default(sql`clock_timestamp()`),
  },
  (t) => [index("audit_log_enterprise_idx").on(t.enterpriseId, t.id)],
);

/** Idempotency keys for every money-moving call (R-MATCH-7): claim, hash of the payload, stored answer. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    key: text().notNull(),
    operation: text().notNull(),
    requestHash: text().notNull(),
    response: jsonb(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);
