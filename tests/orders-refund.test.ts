/**
 * Unsubscribe / refund of a paid order (R-REF-1..5) through orders.refund, on PGlite and
 * PostgreSQL: the dated rules are data keyed by effective time; the refund splits by largest
 * remainder between cash and voucher; the voucher share goes back (or to the pool for a reclaimed
 * pool voucher) only under a proportional rule; an expired voucher gets its balance back but stays
 * expired; exactly once per key and per order; access and input like every money call.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { refundRuleAt } from "@/server/orders/refund";
import { splitByWeights } from "@/server/money";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { callerFor, expectTRPCError, snapshot } from "./helpers";
import { assertLedgerInvariant } from "./invariants";
import {
  assertOrderInvariants,
  balanceOf,
  expectDomainError,
  insertPendingOrders,
  insertVoucher,
  newKey,
} from "./orders-helpers";
import { assertPoolConservation, generateArgs, poolFunds } from "./enterprise-helpers";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))("[%s] unsubscribe and refund", (_name, driver) => {
  let handle: DatabaseHandle;
  const alice = () => callerFor(handle, "u-alice");
  let n = 0;

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(async () => {
    if (handle) {
      await assertLedgerInvariant(handle);
      await assertOrderInvariants(handle.db);
      await assertPoolConservation(handle);
    }
    await driver.closeAll();
  });

  /** A paid order of Alice's: `voucherMinor` of it from a fresh voucher, the rest cash. */
  async function paidOrder(
    amountMinor: number,
    voucherMinor: number,
    over: {
      productCode?: string;
      paymentType?: string;
      expiresAt?: ReturnType<typeof sql>;
      owner?: "u-bob";
    } = {},
  ) {
    const accountId = over.owner === "u-bob" ? ACCOUNTS.bob : ACCOUNTS.alice;
    const payer = over.owner === "u-bob" ? callerFor(handle, "u-bob") : alice();
    n += 1;
    const couponId = `CP-REF-${String(n).padStart(4, "0")}`;
    const orderId = `ORD-REF-${n}`;
    await insertVoucher(handle.db, {
      id: couponId,
      accountId,
      nominalMinor: voucherMinor,
      ...(over.expiresAt ? { expiresAt: over.expiresAt } : {}),
    });
    await insertPendingOrders(handle.db, [
      {
        id: orderId,
        accountId,
        amountMinor,
        productCode: over.productCode ?? "ecs",
        paymentType: over.paymentType ?? "Subscription",
      },
    ]);
    const paid = await payer.orders.pay({
      orderId,
      couponId,
      expectedDeductionMinor: Math.min(voucherMinor, amountMinor),
      idempotencyKey: newKey(),
    });
    expect(paid.voucherMinor).toBe(Math.min(voucherMinor, amountMinor));
    return { orderId, couponId };
  }

  it("R-REF-1 R-REF-2 R-REF-3 R-REF-4: the rule in force is the latest dated row for the kind of order, read as data", async () => {
    const at = async (kind: "subscription" | "resource_plan" | "pay_as_you_go", instant: string) =>
      (await refundRuleAt(handle.db, kind, instant)).mode;
    // R-REF-2 → R-REF-3 at 2025-05-21 10:00 UTC+8 (02:00 UTC) for subscriptions.
    expect(await at("subscription", "2025-05-21T01:59:59.999999Z")).toBe("cash_only");
    expect(await at("subscription", "2025-05-21T02:00:00Z")).toBe("proportional");
    expect(await at("subscription", "2025-05-21T10:00:00+08:00")).toBe("proportional");
    // R-REF-4 at 2025-08-19 10:00 UTC+8 for resource plans; before it, no rule returns the voucher part.
    expect(await at("resource_plan", "2025-08-19T01:59:59.999999Z")).toBe("cash_only");
    expect(await at("resource_plan", "2025-08-19T02:00:00Z")).toBe("proportional");
    // R-REF-1: pay-as-you-go has no rule: vouchers are not returned.
    expect(await at("pay_as_you_go", "2026-01-01T00:00:00Z")).toBe("cash_only");
    // A new dated rule is a row, not code: it applies from its instant on.
    await handle.db.execute(sql`INSERT INTO refund_rules (id, effective_from, applies_to, mode, description)
      VALUES ('rr-test-future', '2099-01-01T00:00:00Z', 'subscription', 'cash_only', 'test')`);
    expect(await at("subscription", "2098-12-31T23:59:59Z")).toBe("proportional");
    expect(await at("subscription", "2099-01-01T00:00:00Z")).toBe("cash_only");
    await handle.db.execute(sql`DELETE FROM refund_rules WHERE id = 'rr-test-future'`);
  });

  it("R-REF-3 R-REF-5: unsubscribing half of a subscription paid 30/70 by voucher and cash returns the voucher's proportional share and pays back the cash share", async () => {
    const { orderId, couponId } = await paidOrder(10_000, 3_000);
    expect(await balanceOf(handle.db, couponId)).toBe(0);
    const r = await alice().orders.refund({ orderId, amount: "50.00", idempotencyKey: newKey() });
    expect(r).toMatchObject({
      orderId,
      status: "Partially Refunded",
      refundMinor: 5_000,
      cashRefundedMinor: 3_500,
      voucherReturnedMinor: 1_500,
      voucherForfeitedMinor: 0,
      returnedTo: "voucher",
      ruleId: "rr-sub-2025",
      ruleMode: "proportional",
    });
    expect(await balanceOf(handle.db, couponId)).toBe(1_500);
    const ledger = await rows<{ type: string; amount_minor: string; order_id: string; refund_id: string }>(
      handle.db,
      sql`SELECT type::text, amount_minor::text, order_id, refund_id FROM coupon_ledger
           WHERE coupon_id = ${couponId} AND type = 'Refund'`,
    );
    expect(ledger).toEqual([
      { type: "Refund", amount_minor: "1500", order_id: orderId, refund_id: r.refundId },
    ]);
    // The order shows it; only the cash kept is invoiceable (R-INV-1).
    const o = await alice().orders.get({ id: orderId });
    expect(o).toMatchObject({
      status: "Partially Refunded",
      refundMinor: 5_000,
      cashRefundedMinor: 3_500,
      voucherReturnedMinor: 1_500,
      invoiceableMinor: 7_000 - 3_500,
    });
    // The returned balance can be spent again.
    const [next] = [`ORD-REF-NEXT-${n}`];
    await insertPendingOrders(handle.db, [{ id: next, accountId: ACCOUNTS.alice, amountMinor: 1_000 }]);
    const again = await alice().orders.pay({
      orderId: next,
      couponId,
      expectedDeductionMinor: 1_000,
      idempotencyKey: newKey(),
    });
    expect(again.voucherMinor).toBe(1_000);
  });

  it("R-REF-5: the parts add up exactly by largest remainder (ties to the cash part)", async () => {
    expect(splitByWeights(50, [67, 33])).toEqual([34, 16]);
    const { orderId } = await paidOrder(100, 33);
    const r = await alice().orders.refund({ orderId, amount: "0.50", idempotencyKey: newKey() });
    expect([r.cashRefundedMinor, r.voucherReturnedMinor]).toEqual([34, 16]);
    expect(r.cashRefundedMinor + r.voucherReturnedMinor + r.voucherForfeitedMinor).toBe(r.refundMinor);
    // A full refund returns exactly what the voucher paid.
    const full = await paidOrder(9_999, 3_333);
    const all = await alice().orders.refund({
      orderId: full.orderId,
      amount: "99.99",
      idempotencyKey: newKey(),
    });
    expect(all).toMatchObject({ status: "Refunded", cashRefundedMinor: 6_666, voucherReturnedMinor: 3_333 });
    expect(await balanceOf(handle.db, full.couponId)).toBe(3_333);
  });

  it("R-REF-1: a pay-as-you-go order refunds only its cash share; the voucher share is forfeited and the voucher's ledger is untouched", async () => {
    const { orderId, couponId } = await paidOrder(10_000, 4_000, { paymentType: "Pay-as-you-go" });
    const r = await alice().orders.refund({ orderId, amount: "100.00", idempotencyKey: newKey() });
    expect(r).toMatchObject({
      status: "Refunded",
      cashRefundedMinor: 6_000,
      voucherReturnedMinor: 0,
      voucherForfeitedMinor: 4_000,
      returnedTo: null,
      ruleId: null,
      ruleMode: "cash_only",
    });
    expect(await balanceOf(handle.db, couponId)).toBe(0);
    const refundsRows = await rows<{ n: number }>(
      handle.db,
      sql`SELECT count(*)::int AS n FROM coupon_ledger WHERE coupon_id = ${couponId} AND type = 'Refund'`,
    );
    expect(refundsRows[0]?.n).toBe(0);
  });

  it("R-REF-4: a resource plan gets its voucher share back (rule rr-plan-2025 is in force today)", async () => {
    const { orderId, couponId } = await paidOrder(8_000, 8_000, { productCode: "ecs_plan" });
    const r = await alice().orders.refund({ orderId, amount: "20.00", idempotencyKey: newKey() });
    expect(r).toMatchObject({ ruleId: "rr-plan-2025", voucherReturnedMinor: 2_000, cashRefundedMinor: 0 });
    expect(await balanceOf(handle.db, couponId)).toBe(2_000);
  });

  it("R-REF-5 R-VOU-2: a return reopens an expired voucher's ledger but not its validity", async () => {
    const { orderId, couponId } = await paidOrder(5_000, 5_000, {
      expiresAt: sql`clock_timestamp() + interval '1 second'`,
    });
    // Let it expire, then unsubscribe.
    await handle.db.execute(sql`UPDATE coupons SET expires_at = clock_timestamp() - interval '1 millisecond',
                                       effective_from = clock_timestamp() - interval '20 days' WHERE id = ${couponId}`);
    const r = await alice().orders.refund({ orderId, amount: "50.00", idempotencyKey: newKey() });
    expect(r.voucherReturnedMinor).toBe(5_000);
    expect(await balanceOf(handle.db, couponId)).toBe(5_000);
    const v = await alice().coupons.get({ id: couponId });
    expect(v.status).toBe("Expired");
    const page = await alice().orders.paymentOptions({ id: (await newPendingOrder(1_000)).id });
    expect(page.applicable.map((a) => a.id)).not.toContain(couponId);
  });

  async function newPendingOrder(amountMinor: number) {
    n += 1;
    const id = `ORD-REF-P-${n}`;
    await insertPendingOrders(handle.db, [{ id, accountId: ACCOUNTS.alice, amountMinor }]);
    return { id };
  }

  it("R-MATCH-7 R-REF-1: the same key gives the same answer once; a second refund, a pending order, another account's order and bad amounts are refused and change nothing", async () => {
    const { orderId } = await paidOrder(2_000, 500);
    const bobs = await paidOrder(1_000, 100, { owner: "u-bob" });
    const pending = await newPendingOrder(1_000);
    const key = newKey();
    const first = await alice().orders.refund({ orderId, amount: "10.00", idempotencyKey: key });
    const tooMuch = await paidOrder(1_000, 100);
    const before = await snapshot(handle.db);
    expect(await alice().orders.refund({ orderId, amount: "10.00", idempotencyKey: key })).toEqual(first);
    const refusals: [() => Promise<unknown>, string, string][] = [
      [
        () => alice().orders.refund({ orderId, amount: "11.00", idempotencyKey: key }),
        "UNPROCESSABLE_CONTENT",
        "IDEMPOTENCY_KEY_REUSED",
      ],
      [
        () => alice().orders.refund({ orderId, amount: "1.00", idempotencyKey: newKey() }),
        "CONFLICT",
        "ORDER_NOT_REFUNDABLE",
      ],
      [
        () => alice().orders.refund({ orderId: pending.id, amount: "1.00", idempotencyKey: newKey() }),
        "CONFLICT",
        "ORDER_NOT_REFUNDABLE",
      ],
      // Bob's paid order: not found for Alice, like one that does not exist.
      [
        () => alice().orders.refund({ orderId: bobs.orderId, amount: "1.00", idempotencyKey: newKey() }),
        "NOT_FOUND",
        "NOT_FOUND",
      ],
      [
        () => alice().orders.refund({ orderId: "ORD-NO-SUCH", amount: "1.00", idempotencyKey: newKey() }),
        "NOT_FOUND",
        "NOT_FOUND",
      ],
      [
        () => alice().orders.refund({ orderId: tooMuch.orderId, amount: "10.01", idempotencyKey: newKey() }),
        "BAD_REQUEST",
        "INVALID_INPUT",
      ],
    ];
    for (const [call, code, domainCode] of refusals)
      await expectDomainError(call(), code as "CONFLICT", domainCode);
    for (const amount of ["0", "0.00", "-1.00", "1.001", "abc", "100000000000000"]) {
      const e = await expectTRPCError(
        alice().orders.refund({ orderId: tooMuch.orderId, amount, idempotencyKey: newKey() }),
        "BAD_REQUEST",
      );
      expect(e.message).not.toMatch(/at .*\.ts|Error:/);
    }
    expect(await snapshot(handle.db)).toEqual(before);
    expect((await alice().orders.get({ id: tooMuch.orderId })).status).toBe("Paid");
  });

  it("R-REF-3 R-POOL-4: the share of a pool voucher reclaimed in the meantime goes back to its pool, ledgered and audited", async () => {
    const admin = callerFor(handle, "u-acme-admin");
    const bob = callerFor(handle, "u-bob");
    const gen = await admin.quotaPool.generate(generateArgs({ amount: "10.00", assignTo: [ACCOUNTS.bob] }));
    const couponId = gen.ids[0] as string;
    const orderId = `ORD-REF-POOL-${n}`;
    await insertPendingOrders(handle.db, [{ id: orderId, accountId: ACCOUNTS.bob, amountMinor: 600 }]);
    await bob.orders.pay({ orderId, couponId, expectedDeductionMinor: 600, idempotencyKey: newKey() });
    await admin.quotaPool.reclaim({ couponId, idempotencyKey: newKey() });
    const fundsBefore = await poolFunds(handle.db);
    const r = await bob.orders.refund({ orderId, amount: "6.00", idempotencyKey: newKey() });
    expect(r).toMatchObject({ returnedTo: "pool", voucherReturnedMinor: 600, status: "Refunded" });
    expect(await poolFunds(handle.db)).toBe(fundsBefore + 600);
    expect(await balanceOf(handle.db, couponId)).toBe(0);
    const audit = await rows<{ action: string }>(
      handle.db,
      sql`SELECT action FROM audit_log WHERE action = 'pool.refund' AND details->>'orderId' = ${orderId}`,
    );
    expect(audit).toHaveLength(1);
    await assertPoolConservation(handle);
  });
});
