import { randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { accounts, orders, products } from "@/db/schema";
import type { Caller } from "@/server/auth/session";
import { DomainError, notFound, orderStatusKey } from "@/server/errors";
import { requestHash } from "@/server/idempotency";
import { vcpayRefusal } from "@/server/vouchers/ledger";
import { parseMoneyInput } from "@/server/money";
import type { ReasonCode } from "./rules";
import type { PayInput } from "./schema";

export type Actor = { userId: string; accountId: string };

/** An order or refund ID: the prefix, the clock's last 7 digits, 6 random digits. */
export const newOrderId = (prefix = "ORD") =>
  `${prefix}-${Date.now().toString().slice(-7)}${String(randomInt(1_000_000)).padStart(6, "0")}`;

export async function createOrder(
  db: Db,
  actor: Actor,
  input: {
    productCode: string;
    paymentType: "Subscription" | "Pay-as-you-go";
    transactionType: NonNullable<(typeof orders.$inferInsert)["transactionType"]>;
    amount: string;
  },
) {
  const amountMinor = parseMoneyInput("orderAmount", input.amount);
  if (amountMinor <= 0) throw new DomainError("INVALID_INPUT", "AMOUNT_POSITIVE", { field: "orderAmount" });
  const [product] = await db.select().from(products).where(eq(products.code, input.productCode));
  if (!product) throw new DomainError("INVALID_INPUT", "UNKNOWN_PRODUCT", { products: input.productCode });
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
      transactionType: input.transactionType,
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
      throw new DomainError("ORDER_NOT_PAYABLE", "RENEW_ONLY_PAID_SUBSCRIPTION");
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

/**
 * Cancels a pending order (issue 10, point 10): only the owner's, only while it waits for payment.
 * The row lock makes it race-safe with a payment: whichever locks first wins; the other sees the new
 * status (a payment of a cancelled order is refused as not payable; cancelling a paid one is refused).
 * Cancelling twice answers the same.
 */
export async function cancelOrder(db: Db, actor: Actor, orderId: string) {
  return db.transaction(async (tx) => {
    const [o] = await tx
      .select({ id: orders.id, status: orders.status })
      .from(orders)
      .where(and(eq(orders.id, orderId.toUpperCase()), eq(orders.accountId, actor.accountId)))
      .for("update");
    if (!o) throw notFound("Order");
    if (o.status === "Cancelled") return { id: o.id, status: "Cancelled" as const };
    if (o.status !== "Pending Payment") {
      throw new DomainError("ORDER_NOT_PAYABLE", "CANCEL_ONLY_PENDING", { status: orderStatusKey(o.status) });
    }
    await tx.update(orders).set({ status: "Cancelled" }).where(eq(orders.id, o.id));
    return { id: o.id, status: "Cancelled" as const };
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

/** What pay_order() reports when it refuses (SQLSTATE 'VCPAY'; see db/sql/pay_order.sql). */
type PayRefusal = {
  code: string;
  facts: { status?: string; reasons?: ReasonCode[]; deduction?: number; currency?: string };
};

const payRefusal = (e: unknown) => vcpayRefusal(e) as PayRefusal | null;

function refusalError(
  r: PayRefusal,
  orderId: string,
  couponId: string | null,
  expected: number,
): DomainError {
  const { status, reasons = [], deduction = 0, currency = "" } = r.facts;
  switch (r.code) {
    case "IDEMPOTENCY_KEY_REUSED":
      return new DomainError("IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_KEY_REUSED");
    case "CONFLICT":
      return new DomainError("CONFLICT", "STILL_PROCESSING");
    case "ORDER_NOT_FOUND":
      return notFound("Order");
    case "ORDER_NOT_PENDING":
      return status === "Paid"
        ? new DomainError("ORDER_ALREADY_PAID", "ORDER_ALREADY_PAID")
        : new DomainError("ORDER_NOT_PAYABLE", "ORDER_NOT_PAYABLE", { status: orderStatusKey(status) });
    case "INVALID_INPUT":
      return new DomainError("INVALID_INPUT", "NO_VOUCHER_ZERO_DEDUCTION");
    case "VOUCHER_NOT_FOUND":
      return notFound("Voucher");
    case "VOUCHER_NOT_APPLICABLE":
      return new DomainError("VOUCHER_NOT_APPLICABLE", "VOUCHER_NOT_APPLICABLE", {
        couponId: String(couponId),
        reasons: reasons.map(String),
      });
    case "VOUCHER_CHANGED":
      return new DomainError("VOUCHER_CHANGED", "VOUCHER_CHANGED", {
        couponId: String(couponId),
        now: { minor: deduction, currency },
        was: { minor: expected, currency },
      });
    default:
      return new DomainError("CONFLICT", "PAY_FAILED", { orderId, code: r.code });
  }
}

/**
 * `SELECT answer FROM pay_order(…)`, prepared once per database: one named statement, planned
 * once. For a caller known only by the session cookie, the same statement joins the live session
 * to its user and calls pay_order() for that user's account: no row when there is no such session
 * (the function is then never called, nothing is written).
 */
const payStatement = (db: Db, bySession: boolean) =>
  preparedQuery(db, bySession ? "orders-pay-session" : "orders-pay", () => {
    const p = (name: string) => sql.placeholder(name);
    const rest = sql`${p("key")}, ${p("hash")}, ${p("order")}, ${p("coupon")}, ${p("expected")}`;
    return bySession
      ? db
          .select({ answer: sql<PayResult>`pay_order(u.account_id, u.id, ${rest})` })
          .from(sql`sessions s JOIN users u ON u.id = s.user_id`)
          .where(sql`s.token_hash = ${p("session")} AND s.expires_at > now()`)
          .prepare("orders_pay_session")
      : db
          .select({ answer: sql<PayResult>`answer` })
          .from(sql`pay_order(${p("account")}, ${p("user")}, ${rest}) AS answer`)
          .prepare("orders_pay");
  });

/**
 * Confirms a payment (R-MATCH-5..7), exactly once, as one statement: the database function
 * pay_order() claims the idempotency key, locks the order and then the voucher, judges the voucher
 * with one clock reading under its lock (voucher_reasons(), db/sql),
 * refuses if the deduction is not what the page showed, then debits, writes the ledger row, marks
 * the order paid and stores the answer under the key. One round trip: the voucher's row lock is
 * never held across the network. Any refusal rolls the whole statement back: nothing is charged.
 * A caller known by session hash is checked by the same statement (no session: UNAUTHENTICATED).
 */
export async function payOrder(db: Db, caller: Caller, input: PayInput): Promise<PayResult> {
  const orderId = input.orderId.toUpperCase();
  const couponId = input.couponId?.toUpperCase() ?? null;
  const expected = input.expectedDeductionMinor;
  if (couponId === null && expected !== 0) {
    throw new DomainError("INVALID_INPUT", "NO_VOUCHER_ZERO_DEDUCTION");
  }
  const hash = requestHash({ orderId, couponId, expected });
  try {
    const bySession = "sessionHash" in caller;
    const [row] = await payStatement(db, bySession).execute({
      ...(bySession ? { session: caller.sessionHash } : { account: caller.accountId, user: caller.userId }),
      key: input.idempotencyKey,
      hash,
      order: orderId,
      coupon: couponId,
      expected,
    });
    if (!row) {
      if (bySession) throw new DomainError("UNAUTHENTICATED", "SIGN_IN_REQUIRED");
      throw new Error("pay_order returned no row");
    }
    return row.answer;
  } catch (e) {
    const refusal = payRefusal(e);
    throw refusal ? refusalError(refusal, orderId, couponId, expected) : e;
  }
}
