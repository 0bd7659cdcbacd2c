/**
 * Voucher matching (R-MATCH-1..5, R-PAYG-1) in TypeScript: TEST ORACLES ONLY. The product runs the
 * rules in the database (db/sql/voucher_reasons.sql, vouchers_by_priority.sql): the payment page, the
 * payment and the bill close all call those. These independent copies exist so that tests can
 * compare the SQL against a second reading of the spec (tests/orders-pay-function.test.ts,
 * tests/orders-matching-twin.test.ts, tests/bills-*.test.ts). Nothing outside tests may import the
 * *Oracle functions (tests/money-writer.test.ts checks).
 *
 * The reason texts below are the UI's wording of the codes the database returns.
 */

export const UNAVAILABLE_REASONS = {
  DISCOUNT_COUPON:
    "A discount coupon takes a percentage off when an order is placed; it cannot pay an order or a bill",
  RECLAIMED: "Reclaimed to the quota pool",
  EXPIRED: "Expired",
  NOT_YET_EFFECTIVE: "Not yet effective",
  USED_UP: "Used up (no balance left)",
  CURRENCY_MISMATCH: "Different currency from the order",
  PRODUCT_EXCLUDED_FROM_GENERAL: "This product is excluded from general vouchers",
  PRODUCT_NOT_COVERED: "Does not cover this product",
  SCOPE_NOT_COVERED: "Does not cover this transaction type",
  PAYMENT_TYPE_NOT_COVERED: "Does not cover this payment type",
  BELOW_MIN_ORDER: "Order amount is below the voucher's limit on order amount",
  NOT_USABLE_BY_ACCOUNT: "Not issued to or shared with this account",
} as const;
export type ReasonCode = keyof typeof UNAVAILABLE_REASONS;

export type MatchOrder = {
  accountId: string;
  productCode: string;
  paymentType: string;
  /** null for a pay-as-you-go bill line. */
  transactionType: string | null;
  amountMinor: number;
  currency: string;
};

export type MatchVoucher = {
  id: string;
  accountId: string;
  sharedWith: readonly string[];
  currency: string;
  balanceMinor: number;
  commodities: readonly string[];
  scopes: readonly string[];
  paymentTypes: readonly string[];
  minOrderMinor: number;
  effectiveFrom: Date;
  expiresAt: Date;
  issuedAt: Date;
  reclaimed: boolean;
  /** Absent: a cash coupon. */
  couponType?: string;
};

/** Every reason a voucher does not apply to the order at `now` (empty: it applies). R-MATCH-2. */
export function unavailableReasonsOracle(
  order: MatchOrder,
  v: MatchVoucher,
  now: Date,
  excludedFromGeneral: ReadonlySet<string>,
): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  if (v.accountId !== order.accountId && !v.sharedWith.includes(order.accountId))
    reasons.push("NOT_USABLE_BY_ACCOUNT");
  if (v.couponType !== undefined && v.couponType !== "Cash Coupon") reasons.push("DISCOUNT_COUPON");
  if (v.reclaimed) reasons.push("RECLAIMED");
  else if (now.getTime() >= v.expiresAt.getTime()) reasons.push("EXPIRED");
  else if (now.getTime() < v.effectiveFrom.getTime()) reasons.push("NOT_YET_EFFECTIVE");
  else if (v.balanceMinor <= 0) reasons.push("USED_UP");
  if (v.currency !== order.currency) reasons.push("CURRENCY_MISMATCH");
  if (v.commodities.length === 0) {
    if (excludedFromGeneral.has(order.productCode)) reasons.push("PRODUCT_EXCLUDED_FROM_GENERAL");
  } else if (!v.commodities.includes(order.productCode)) reasons.push("PRODUCT_NOT_COVERED");
  // A bill line has no transaction type: only vouchers of General scope apply to it.
  if (v.scopes.length > 0 && (order.transactionType === null || !v.scopes.includes(order.transactionType)))
    reasons.push("SCOPE_NOT_COVERED");
  if (!v.paymentTypes.includes(order.paymentType)) reasons.push("PAYMENT_TYPE_NOT_COVERED");
  if (order.amountMinor < v.minOrderMinor) reasons.push("BELOW_MIN_ORDER");
  return reasons;
}

/** R-MATCH-5: the voucher pays what it can, the rest is cash. */
export const deductionForOracle = (order: MatchOrder, v: Pick<MatchVoucher, "balanceMinor">) =>
  Math.min(v.balanceMinor, order.amountMinor);

/**
 * R-MATCH-4 priority: largest balance, then earliest expiry, then earliest issuance, then ID.
 * Negative when `a` comes first.
 */
export function byPriorityOracle(a: MatchVoucher, b: MatchVoucher): number {
  return (
    b.balanceMinor - a.balanceMinor ||
    a.expiresAt.getTime() - b.expiresAt.getTime() ||
    a.issuedAt.getTime() - b.issuedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export type MatchResult<V extends MatchVoucher> = {
  /** Applicable vouchers in priority order; the first is the default choice. */
  applicable: { voucher: V; deductionMinor: number }[];
  unavailable: { voucher: V; reasons: ReasonCode[] }[];
  defaultVoucherId: string | null;
};

export function matchVouchersOracle<V extends MatchVoucher>(
  order: MatchOrder,
  vouchers: readonly V[],
  now: Date,
  excludedFromGeneral: ReadonlySet<string>,
): MatchResult<V> {
  const applicable: V[] = [];
  const unavailable: { voucher: V; reasons: ReasonCode[] }[] = [];
  for (const v of vouchers) {
    const reasons = unavailableReasonsOracle(order, v, now, excludedFromGeneral);
    if (reasons.length === 0) applicable.push(v);
    else unavailable.push({ voucher: v, reasons });
  }
  applicable.sort(byPriorityOracle);
  unavailable.sort((a, b) => (a.voucher.id < b.voucher.id ? -1 : 1));
  return {
    applicable: applicable.map((voucher) => ({
      voucher,
      deductionMinor: deductionForOracle(order, voucher),
    })),
    unavailable,
    defaultVoucherId: applicable[0]?.id ?? null,
  };
}
