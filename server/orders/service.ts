import { randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { type Db, rows } from "@/db/client";
import { accounts, couponLedger, coupons, orders, products } from "@/db/schema";
import { DomainError, notFound } from "@/server/errors";
import { MoneyParseError, parseMoney } from "@/server/money";
import { formatMoney } from "@/server/money";
import { claimIdempotencyKey, requestHash, storeIdempotentResponse } from "@/server/idempotency";
import { candidateVouchers, excludedProducts } from "./queries";
import { deductionFor, type MatchOrder, UNAVAILABLE_REASONS, unavailableReasons } from "./rules";
import type { PayInput } from "./schema";

type Actor = { userId: string; accountId: string };

const newOrderId = () =>
  `ORD-${Date.now().toString().slice(-7)}${String(randomInt(1_000_000)).padStart(6, "0")}`;

export async function createOrder(
  db: Db,
  actor: Actor,
  input: {
    productCode: string;
    paymentType: "Subscription" | "Pay-as-you-go";
    transactionType: MatchOrder["transactionType"];
    amount: string;
  },
) {
  let amountMinor: number;
  try {
    amountMinor = parseMoney(input.amount);
  } catch (e) {
    if (e instanceof MoneyParseError) throw new DomainError("INVALID_INPUT", `Order amount: ${e.message}`);
    throw e;
  }
  if (amountMinor <= 0) throw new DomainError("INVALID_INPUT", "Order amount must be more than 0.00");
  const [product] = await db.select().from(products).where(eq(products.code, input.productCode));
  if (!product) throw new DomainError("INVALID_INPUT", `Unknown product: ${input.productCode}`);
  const [account] = await db
    .select({ currency: accounts.currency })
    .from(accounts)
    .where(eq(accounts.id, actor.accountId));
  if (!account) throw notFound("Account");
  const [created] = await db
    .insert(orders)
    .values({
      id: newOrderId(),
      accountId: actor.accountId,
      productCode: product.code,
      paymentType: input.paymentType,
      transactionType: input.transactionType as (typeof orders.$inferInsert)["transactionType"],
      currency: account.currency,
      amountMinor,
    })
    .returning({ id: orders.id });
  return { id: created?.id as string };
}

/** R-MATCH-8: a paid subscription order can be renewed; a pending renewal is reused, so a double click makes one. */
export async function renewOrder(db: Db, actor: Actor, orderId: string) {
  return db.transaction(async (tx) => {
    const [original] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId.toUpperCase()), eq(orders.accountId, actor.accountId)))
      .for("update");
    if (!original) throw notFound("Order");
    if (original.paymentType !== "Subscription" || original.status !== "Paid") {
      throw new DomainError("ORDER_NOT_PAYABLE", "Only a paid subscription order can be renewed.");
    }
    const [pending] = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.renewalOfOrderId, original.id), eq(orders.status, "Pending Payment")));
    if (pending) return { id: pending.id };
    const [created] = await tx
      .insert(orders)
      .values({
        id: newOrderId(),
        accountId: actor.accountId,
        productCode: original.productCode,
        paymentType: "Subscription",
        transactionType: "Renewal",
        currency: original.currency,
        amountMinor: original.amountMinor,
        renewalOfOrderId: original.id,
      })
      .returning({ id: orders.id });
    return { id: created?.id as string };
  });
}

export type PayResult = {
  orderId: string;
  status: "Paid";
  couponId: string | null;
  voucherMinor: number;
  cashMinor: number;
  paidAt: string;
};

/**
 * Confirms a payment (R-MATCH-5..7), exactly once. One READ COMMITTED transaction, locks in a
 * fixed order (idempotency key → order → voucher): claim the key; lock the order, refuse if it is
 * not pending; lock the voucher and re-judge it with the database clock; refuse if the deduction
 * is not what the page showed; conditional debit + ledger row; mark the order paid; store the
 * answer under the key. Any refusal rolls everything back: nothing is charged.
 */
export async function payOrder(db: Db, actor: Actor, input: PayInput): Promise<PayResult> {
  const orderId = input.orderId.toUpperCase();
  const couponId = input.couponId?.toUpperCase() ?? null;
  const hash = requestHash({ orderId, couponId, expected: input.expectedDeductionMinor });
  if (couponId === null && input.expectedDeductionMinor !== 0) {
    throw new DomainError("INVALID_INPUT", "Without a voucher the deduction must be 0.00.");
  }

  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
    const prior = await claimIdempotencyKey<PayResult>(tx, {
      accountId: actor.accountId,
      key: input.idempotencyKey,
      operation: "orders.pay",
      hash,
    });
    if (prior) return prior;

    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.accountId, actor.accountId)))
      .for("update");
    if (!order) throw notFound("Order");
    if (order.status === "Paid") throw new DomainError("ORDER_ALREADY_PAID", "This order is already paid.");
    if (order.status !== "Pending Payment") {
      throw new DomainError(
        "ORDER_NOT_PAYABLE",
        `This order is ${order.status.toLowerCase()} and cannot be paid.`,
      );
    }

    let deduction = 0;
    let paidAt: string | undefined;
    if (couponId) {
      const { now, vouchers } = await candidateVouchers(tx, actor.accountId, {
        onlyId: couponId,
        forUpdate: true,
      });
      const v = vouchers[0];
      const reasons = v ? unavailableReasons(order, v, now, await excludedProducts(tx)) : [];
      if (!v || reasons.includes("NOT_USABLE_BY_ACCOUNT")) throw notFound("Voucher");
      if (reasons.length > 0) {
        throw new DomainError(
          "VOUCHER_NOT_APPLICABLE",
          `Voucher ${v.id} cannot be used on this order: ${reasons.map((r) => UNAVAILABLE_REASONS[r].toLowerCase()).join("; ")}. Nothing was charged.`,
        );
      }
      deduction = deductionFor(order, v);
      if (deduction !== input.expectedDeductionMinor) {
        throw new DomainError(
          "VOUCHER_CHANGED",
          `Voucher ${v.id} changed since the page was loaded: it now covers ${formatMoney(deduction, order.currency)}, not ${formatMoney(input.expectedDeductionMinor, order.currency)}. Review the payment again; nothing was charged.`,
        );
      }
      // The row is locked; the conditions still guard the write, and validity is judged at this instant.
      // The row is locked; the conditions still guard the write. One instant, read once, both judges
      // validity and stamps the ledger row, so no deduction is ever dated at or after expiry (INV-7).
      const debited = await rows<{ balance: string; at: string }>(
        tx,
        sql`WITH t AS (SELECT clock_timestamp() AS at)
            UPDATE ${coupons} SET balance_minor = balance_minor - ${deduction} FROM t
            WHERE ${coupons.id} = ${v.id} AND ${coupons.balanceMinor} >= ${deduction} AND ${coupons.reclaimedAt} IS NULL
              AND ${coupons.effectiveFrom} <= t.at AND ${coupons.expiresAt} > t.at
            RETURNING ${coupons.balanceMinor}::text AS balance, t.at::text AS at`,
      );
      const after = debited[0];
      if (!after) {
        throw new DomainError(
          "VOUCHER_NOT_APPLICABLE",
          `Voucher ${v.id} expired or was used up just now. Nothing was charged.`,
        );
      }
      paidAt = after.at;
      await tx.insert(couponLedger).values({
        couponId: v.id,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        type: "Deduction",
        amountMinor: deduction,
        balanceAfterMinor: Number(after.balance),
        orderId: order.id,
        // Stamped under the voucher's row lock, at the instant validity was judged, so ledger order
        // matches balance order under concurrency (the default now() is the transaction start).
        createdAt: after.at,
      });
    }

    const [paid] = await tx
      .update(orders)
      .set({
        status: "Paid",
        couponId,
        voucherMinor: deduction,
        cashMinor: order.amountMinor - deduction,
        paidAt: paidAt ?? (sql`clock_timestamp()` as unknown as string),
      })
      .where(and(eq(orders.id, order.id), eq(orders.status, "Pending Payment")))
      .returning({
        paidAt: sql<string>`to_char(${orders.paidAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      });
    if (!paid) throw new DomainError("ORDER_ALREADY_PAID", "This order is already paid.");
    const result: PayResult = {
      orderId: order.id,
      status: "Paid",
      couponId,
      voucherMinor: deduction,
      cashMinor: order.amountMinor - deduction,
      paidAt: paid.paidAt,
    };
    await storeIdempotentResponse(tx, actor.accountId, input.idempotencyKey, result);
    return result;
  });
}
