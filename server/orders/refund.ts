import { sql } from "drizzle-orm";
import { type Db, type Executor, rows } from "@/db/client";
import { poolLedger, refunds } from "@/db/schema";
import { writeAudit } from "@/server/enterprise/audit";
import { DomainError, notFound, orderStatusKey } from "@/server/errors";
import { claimIdempotencyKey, requestHash, storeIdempotentResponse } from "@/server/idempotency";
import { formatMoney, parseMoneyInput, splitByWeights } from "@/server/money";
import { postVoucher } from "@/server/vouchers/ledger";
import { iso } from "@/server/vouchers/queries";
import type { RefundInput } from "./schema";
import { type Actor, newOrderId } from "./service";

/** Which dated rules apply to an order (R-REF-3, R-REF-4); pay-as-you-go orders have none. */
export type RefundKind = "subscription" | "resource_plan" | "pay_as_you_go";

/** Which dated rules an order falls under: resource plans, other subscriptions, or none (pay-as-you-go). */
export const refundKindOf = (isResourcePlan: boolean, paymentType: string): RefundKind =>
  isResourcePlan ? "resource_plan" : paymentType === "Subscription" ? "subscription" : "pay_as_you_go";

export type RefundRule = { id: string | null; mode: "cash_only" | "proportional" };

/**
 * The refund rule in force for this kind of order at `at` (R-REF-1..4): the latest row of
 * `refund_rules` for the kind whose effective time is not after `at`. The rules are data (seeded,
 * dated), not code. No row: the voucher part is not returned (R-REF-1, "cash_only").
 * `at` defaults to the database clock, read in the same statement.
 */
export async function refundRuleAt(
  db: Executor,
  kind: RefundKind,
  at?: string,
): Promise<RefundRule & { at: string }> {
  const [found] = await rows<{ at: string; id: string | null; mode: RefundRule["mode"] | null }>(
    db,
    sql`SELECT t.at::text AS at, r.id, r.mode::text AS mode
          FROM (SELECT ${at ?? null}::timestamptz AS given) g
          CROSS JOIN LATERAL (SELECT coalesce(g.given, clock_timestamp()) AS at) t
          LEFT JOIN LATERAL (SELECT id, mode FROM refund_rules
                              WHERE applies_to = ${kind} AND effective_from <= t.at
                              ORDER BY effective_from DESC LIMIT 1) r ON true`,
  );
  if (!found) throw new Error("refund rule lookup returned no row");
  return { at: found.at, id: found.id, mode: found.mode ?? "cash_only" };
}

/**
 * The order a refund (or its preview) is about, with what the split and the dated rule need; the
 * caller's own orders only. `lock`: FOR UPDATE, in the refund's lock order (key → order → voucher).
 */
export async function refundableOrder(
  db: Executor,
  accountId: string,
  orderId: string,
  { lock }: { lock: boolean },
) {
  const [order] = await rows<{
    id: string;
    status: string;
    payment_type: string;
    currency: string;
    amount_minor: string;
    voucher_minor: string;
    cash_minor: string;
    coupon_id: string | null;
    is_resource_plan: boolean;
    reclaimed: boolean | null;
  }>(
    db,
    sql`SELECT o.id, o.status::text AS status, o.payment_type::text AS payment_type, o.currency,
               o.amount_minor::text AS amount_minor, o.voucher_minor::text AS voucher_minor,
               o.cash_minor::text AS cash_minor, o.coupon_id, p.is_resource_plan,
               (SELECT c.reclaimed_at IS NOT NULL FROM coupons c WHERE c.id = o.coupon_id) AS reclaimed
          FROM orders o JOIN products p ON p.code = o.product_code
         WHERE o.id = ${orderId.toUpperCase()} AND o.account_id = ${accountId}
         ${lock ? sql`FOR UPDATE OF o` : sql``}`,
  );
  return order;
}

export type RefundResult = {
  refundId: string;
  orderId: string;
  status: "Refunded" | "Partially Refunded";
  refundMinor: number;
  /** Paid back as cash: the cash share of the refund. */
  cashRefundedMinor: number;
  /** Given back to the voucher (or, for a voucher already reclaimed, to its Coupon Quota Pool). */
  voucherReturnedMinor: number;
  /** The voucher share kept by the platform under the rule in force (R-REF-1, R-REF-2). */
  voucherForfeitedMinor: number;
  returnedTo: "voucher" | "pool" | null;
  couponId: string | null;
  ruleId: string | null;
  ruleMode: RefundRule["mode"];
  refundedAt: string;
};

/**
 * Unsubscribes a paid order (R-REF-1..5): refunds `amount` of it once, as one transaction with its
 * ledger rows. The refund is split between the order's cash and voucher parts in their proportion,
 * by largest remainder (R-REF-5: the parts add up exactly). The cash share is paid back; the voucher
 * share goes back to the voucher only when the dated rule in force says so (R-REF-3, R-REF-4), even
 * if the voucher has expired since: its ledger reopens, its validity does not (R-REF-5). A voucher
 * already reclaimed into a Coupon Quota Pool cannot hold a balance: its share goes to that pool.
 * Otherwise the voucher share is forfeited (R-REF-1, R-REF-2).
 *
 * Locks in the payment's order (idempotency key → order → voucher), so a refund and payments on the
 * same voucher serialise without deadlock; the rule and every row are stamped with one clock reading.
 * Idempotent: the same key gives the same answer; a second refund of the order is refused.
 */
export async function refundOrder(db: Db, actor: Actor, input: RefundInput): Promise<RefundResult> {
  const orderId = input.orderId.toUpperCase();
  const refundMinor = parseMoneyInput("refund", input.amount);
  if (refundMinor <= 0) throw new DomainError("INVALID_INPUT", "AMOUNT_POSITIVE", { field: "refund" });
  return db.transaction(async (tx) => {
    const replay = await claimIdempotencyKey<RefundResult>(tx, {
      accountId: actor.accountId,
      key: input.idempotencyKey,
      operation: "orders.refund",
      hash: requestHash({ orderId, refundMinor }),
    });
    if (replay) return replay;

    const order = await refundableOrder(tx, actor.accountId, orderId, { lock: true });
    if (!order) throw notFound("Order");
    if (order.status !== "Paid") {
      throw new DomainError(
        "ORDER_NOT_REFUNDABLE",
        order.status === "Pending Payment" || order.status === "Cancelled"
          ? "REFUND_NOTHING"
          : "ALREADY_REFUNDED",
        { status: orderStatusKey(order.status) },
      );
    }
    const amount = Number(order.amount_minor);
    if (refundMinor > amount) {
      throw new DomainError("INVALID_INPUT", "REFUND_AT_MOST", {
        max: { minor: amount, currency: order.currency },
      });
    }
    const kind = refundKindOf(order.is_resource_plan, order.payment_type);
    const [cashShare = 0, voucherShare = 0] = splitByWeights(refundMinor, [
      Number(order.cash_minor),
      Number(order.voucher_minor),
    ]);
    // Lock the voucher before reading the clock, as a payment does: the Refund row's instant and
    // its balance-after then follow the voucher's lock order (the ledger's running balance holds).
    const [v] =
      order.coupon_id && voucherShare > 0
        ? await rows<{ id: string; reclaimed: boolean; pool_id: string | null }>(
            tx,
            sql`SELECT id, reclaimed_at IS NOT NULL AS reclaimed, pool_id FROM coupons
                 WHERE id = ${order.coupon_id} FOR UPDATE`,
          )
        : [];
    const rule = await refundRuleAt(tx, kind);

    const refundId = newOrderId("REF");
    let returnedTo: RefundResult["returnedTo"] = null;
    let returned = 0;
    if (rule.mode === "proportional" && v) {
      returned = voucherShare;
      if (v.reclaimed && v.pool_id) {
        returnedTo = "pool";
        await creditPool(tx, actor, v.pool_id, v.id, returned, { orderId, refundId });
      } else {
        returnedTo = "voucher";
        await postVoucher(tx, {
          couponId: v.id,
          type: "Refund",
          amountMinor: returned,
          accountId: actor.accountId,
          actorUserId: actor.userId,
          at: rule.at,
          orderId,
          refundId,
          note: `Unsubscribe: ${formatMoney(returned, order.currency)} returned`,
        });
      }
    }
    await tx.insert(refunds).values({
      id: refundId,
      orderId,
      amountMinor: refundMinor,
      voucherReturnedMinor: returned,
      cashRefundedMinor: cashShare,
      ruleId: rule.id,
      createdAt: rule.at,
    });
    const status = refundMinor === amount ? "Refunded" : "Partially Refunded";
    await tx.execute(sql`UPDATE orders SET status = ${status} WHERE id = ${orderId}`);
    const result: RefundResult = {
      refundId,
      orderId,
      status,
      refundMinor,
      cashRefundedMinor: cashShare,
      voucherReturnedMinor: returned,
      voucherForfeitedMinor: voucherShare - returned,
      returnedTo,
      couponId: order.coupon_id,
      ruleId: rule.id,
      ruleMode: rule.mode,
      refundedAt: iso(rule.at),
    };
    await storeIdempotentResponse(tx, actor.accountId, input.idempotencyKey, result);
    return result;
  });
}

/** A returned voucher share for a voucher already reclaimed: into its pool, ledgered and audited (R-POOL-5). */
async function creditPool(
  tx: Executor,
  actor: Actor,
  poolId: string,
  couponId: string,
  amount: number,
  ref: { orderId: string; refundId: string },
) {
  const [pool] = await rows<{ enterprise_id: string; funds: string }>(
    tx,
    sql`UPDATE quota_pools SET funds_minor = funds_minor + ${amount} WHERE id = ${poolId}
        RETURNING enterprise_id, funds_minor::text AS funds`,
  );
  if (!pool) throw new Error("the voucher's pool is missing");
  const after = Number(pool.funds);
  await tx.insert(poolLedger).values({
    poolId,
    type: "Refund",
    amountMinor: amount,
    fundsAfterMinor: after,
    couponId,
    actorUserId: actor.userId,
  });
  await writeAudit(tx, {
    enterpriseId: pool.enterprise_id,
    actorUserId: actor.userId,
    action: "pool.refund",
    targetType: "pool",
    targetId: poolId,
    beforeMinor: after - amount,
    afterMinor: after,
    details: { couponId, ...ref, returnedMinor: amount },
  });
}
