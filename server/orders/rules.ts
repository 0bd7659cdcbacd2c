/**
 * Voucher matching for the payment page (R-MATCH-1..5): one pure function, no I/O.
 * It judges the payment page; inside the payment, its SQL twin voucher_reasons() (migration 0005,
 * kept equal by tests/orders-pay-function.test.ts) judges the locked voucher.
 */

export const UNAVAILABLE_REASONS = {
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
  transactionType: string;
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
};

/** Every reason a voucher does not apply to the order at `now` (empty: it applies). R-MATCH-2. */
export function unavailableReasons(
  order: MatchOrder,
  v: MatchVoucher,
  now: Date,
  excludedFromGeneral: ReadonlySet<string>,
): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  if (v.accountId !== order.accountId && !v.sharedWith.includes(order.accountId))
    reasons.push("NOT_USABLE_BY_ACCOUNT");
  if (v.reclaimed) reasons.push("RECLAIMED");
  else if (now.getTime() >= v.expiresAt.getTime()) reasons.push("EXPIRED");
  else if (now.getTime() < v.effectiveFrom.getTime()) reasons.push("NOT_YET_EFFECTIVE");
  else if (v.balanceMinor <= 0) reasons.push("USED_UP");
  if (v.currency !== order.currency) reasons.push("CURRENCY_MISMATCH");
  if (v.commodities.length === 0) {
    if (excludedFromGeneral.has(order.productCode)) reasons.push("PRODUCT_EXCLUDED_FROM_GENERAL");
  } else if (!v.commodities.includes(order.productCode)) reasons.push("PRODUCT_NOT_COVERED");
  if (v.scopes.length > 0 && !v.scopes.includes(order.transactionType)) reasons.push("SCOPE_NOT_COVERED");
  if (!v.paymentTypes.includes(order.paymentType)) reasons.push("PAYMENT_TYPE_NOT_COVERED");
  if (order.amountMinor < v.minOrderMinor) reasons.push("BELOW_MIN_ORDER");
  return reasons;
}

/** R-MATCH-5: the voucher pays what it can, the rest is cash. */
export const deductionFor = (order: MatchOrder, v: Pick<MatchVoucher, "balanceMinor">) =>
  Math.min(v.balanceMinor, order.amountMinor);

/**
 * R-MATCH-4 priority: largest balance, then earliest expiry, then earliest issuance, then ID.
 * Negative when `a` comes first.
 */
export function byPriority(a: MatchVoucher, b: MatchVoucher): number {
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

export function matchVouchers<V extends MatchVoucher>(
  order: MatchOrder,
  vouchers: readonly V[],
  now: Date,
  excludedFromGeneral: ReadonlySet<string>,
): MatchResult<V> {
  const applicable: V[] = [];
  const unavailable: { voucher: V; reasons: ReasonCode[] }[] = [];
  for (const v of vouchers) {
    const reasons = unavailableReasons(order, v, now, excludedFromGeneral);
    if (reasons.length === 0) applicable.push(v);
    else unavailable.push({ voucher: v, reasons });
  }
  applicable.sort(byPriority);
  unavailable.sort((a, b) => (a.voucher.id < b.voucher.id ? -1 : 1));
  return {
    applicable: applicable.map((voucher) => ({ voucher, deductionMinor: deductionFor(order, voucher) })),
    unavailable,
    defaultVoucherId: applicable[0]?.id ?? null,
  };
}
