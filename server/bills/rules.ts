/**
 * The bill close (R-PAYG-1) in TypeScript: TEST ORACLE ONLY. The product closes bills with
 * close_bill() (db/sql/close_bill.sql); tests/bills.test.ts compares the two on random bills.
 */
import {
  byPriorityOracle,
  type MatchOrder,
  type MatchVoucher,
  unavailableReasonsOracle,
} from "@/server/orders/rules";

export type OracleLine = { id: string; productCode: string; amountMinor: number; usageAt: Date };

export type OracleClose = {
  /** Per line: what vouchers paid. */
  paid: Map<string, number>;
  /** The deductions in the order they were drawn: [line, voucher, amount]. */
  deductions: [string, string, number][];
  /** Balances after the close. */
  balances: Map<string, number>;
};

/**
 * Vouchers are judged once at the closing instant (payment type Pay-as-you-go, no transaction type,
 * the limit on order amount against the bill's total) and ranked once by priority; lines in usage
 * order each draw from the first voucher in that order that covers their product and has balance left.
 */
export function closeBillOracle(
  accountId: string,
  currency: string,
  lines: readonly OracleLine[],
  vouchers: readonly MatchVoucher[],
  at: Date,
  excludedFromGeneral: ReadonlySet<string>,
): OracleClose {
  const total = lines.reduce((s, l) => s + l.amountMinor, 0);
  const charge = (productCode: string): MatchOrder => ({
    accountId,
    productCode,
    paymentType: "Pay-as-you-go",
    transactionType: null,
    amountMinor: total,
    currency,
  });
  const products = [...new Set(lines.map((l) => l.productCode))];
  const covers = (v: MatchVoucher, p: string) =>
    unavailableReasonsOracle(charge(p), v, at, excludedFromGeneral).length === 0;
  const ranked = vouchers.filter((v) => products.some((p) => covers(v, p))).sort(byPriorityOracle);
  const balances = new Map(vouchers.map((v) => [v.id, v.balanceMinor]));
  const paid = new Map<string, number>();
  const deductions: [string, string, number][] = [];
  const ordered = [...lines].sort(
    (a, b) => a.usageAt.getTime() - b.usageAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (const l of ordered) {
    let remaining = l.amountMinor;
    for (const v of ranked) {
      if (remaining === 0) break;
      const bal = balances.get(v.id) ?? 0;
      if (bal === 0 || !covers(v, l.productCode)) continue;
      const take = Math.min(bal, remaining);
      balances.set(v.id, bal - take);
      remaining -= take;
      paid.set(l.id, (paid.get(l.id) ?? 0) + take);
      deductions.push([l.id, v.id, take]);
    }
  }
  return { paid, deductions, balances };
}
