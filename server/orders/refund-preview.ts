import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { DomainError, notFound } from "@/server/errors";
import { parseMoneyInput, splitByWeights } from "@/server/money";
import { iso } from "@/server/vouchers/queries";
import { refundableOrder, refundKindOf, refundRuleAt } from "./refund";

/**
 * What unsubscribing `amount` of a paid order would do, now, without doing it (read-only): the
 * split between cash and voucher by the same largest-remainder rule as the refund itself, and
 * whether the voucher part would come back under the dated rule in force (R-REF-1..5). The page
 * shows it before the user confirms; the refund re-judges everything in its own transaction.
 */
export async function refundPreview(db: Executor, accountId: string, orderId: string, amount: string) {
  const refundMinor = parseMoneyInput("refund", amount);
  if (refundMinor <= 0) throw new DomainError("INVALID_INPUT", "REFUND_ABOVE_ZERO");
  const order = await refundableOrder(db, accountId, orderId, { lock: false });
  if (!order) throw notFound("Order");
  if (order.status !== "Paid") {
    throw new DomainError("ORDER_NOT_REFUNDABLE", "NOT_REFUNDABLE");
  }
  const amountMinor = Number(order.amount_minor);
  if (refundMinor > amountMinor) {
    throw new DomainError("INVALID_INPUT", "REFUND_AT_MOST_PAID");
  }
  const kind = refundKindOf(order.is_resource_plan, order.payment_type);
  const [cashMinor = 0, voucherShareMinor = 0] = splitByWeights(refundMinor, [
    Number(order.cash_minor),
    Number(order.voucher_minor),
  ]);
  const rule = await refundRuleAt(db, kind);
  const [described] = rule.id
    ? await rows<{ description: string; effective_from: string | Date }>(
        db,
        sql`SELECT description, effective_from FROM refund_rules WHERE id = ${rule.id}`,
      )
    : [];
  const returns = rule.mode === "proportional" && order.coupon_id !== null && voucherShareMinor > 0;
  return {
    orderId: orderId.toUpperCase(),
    currency: order.currency,
    refundMinor,
    cashMinor,
    voucherShareMinor,
    voucherReturnedMinor: returns ? voucherShareMinor : 0,
    voucherForfeitedMinor: returns ? 0 : voucherShareMinor,
    returnedTo: returns ? (order.reclaimed ? ("pool" as const) : ("voucher" as const)) : null,
    couponId: order.coupon_id,
    kind,
    rule: described
      ? {
          id: rule.id,
          mode: rule.mode,
          description: described.description,
          effectiveFrom: iso(described.effective_from),
        }
      : null,
  };
}
