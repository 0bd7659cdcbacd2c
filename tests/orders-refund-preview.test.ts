/**
 * The Unsubscribe dialog's preview (orders.refundPreview): read-only, and the same split and rule as
 * the refund that follows it (R-REF-1..5).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { callerFor, expectTRPCError, snapshot } from "./helpers";
import { insertPendingOrders, insertVoucher, newKey } from "./orders-helpers";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))("[%s] refund preview", (_name, driver) => {
  let handle: DatabaseHandle;
  const alice = () => callerFor(handle, "u-alice");
  let n = 0;
  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  async function paidOrder(amountMinor: number, voucherMinor: number, paymentType = "Subscription") {
    n += 1;
    const couponId = `CP-PRV-${String(n).padStart(4, "0")}`;
    const orderId = `ORD-PRV-${n}`;
    await insertVoucher(handle.db, { id: couponId, accountId: ACCOUNTS.alice, nominalMinor: voucherMinor });
    await insertPendingOrders(handle.db, [
      { id: orderId, accountId: ACCOUNTS.alice, amountMinor, productCode: "ecs", paymentType },
    ]);
    await alice().orders.pay({
      orderId,
      couponId,
      expectedDeductionMinor: Math.min(voucherMinor, amountMinor),
      idempotencyKey: newKey(),
    });
    return { orderId, couponId };
  }

  it("R-REF-3 R-REF-5: the preview changes nothing and matches the refund made next", async () => {
    const { orderId, couponId } = await paidOrder(10_001, 3_333);
    const before = await snapshot(handle.db);
    const p = await alice().orders.refundPreview({ orderId, amount: "33.33" });
    expect(await snapshot(handle.db)).toEqual(before);
    expect(p.cashMinor + p.voucherShareMinor).toBe(3_333);
    expect(p.returnedTo).toBe("voucher");
    expect(p.couponId).toBe(couponId);
    expect(p.rule?.mode).toBe("proportional");
    expect(p.rule?.description.length).toBeGreaterThan(10);
    const r = await alice().orders.refund({ orderId, amount: "33.33", idempotencyKey: newKey() });
    expect([r.cashRefundedMinor, r.voucherReturnedMinor, r.voucherForfeitedMinor]).toEqual([
      p.cashMinor,
      p.voucherReturnedMinor,
      p.voucherForfeitedMinor,
    ]);
    // Once refunded, there is nothing left to preview.
    await expectTRPCError(alice().orders.refundPreview({ orderId, amount: "1.00" }), "CONFLICT");
  });

  it("R-REF-1: pay-as-you-go keeps the voucher part; more than the order, or another's order, is refused", async () => {
    const { orderId } = await paidOrder(5_000, 1_000, "Pay-as-you-go");
    const p = await alice().orders.refundPreview({ orderId, amount: "50.00" });
    expect(p).toMatchObject({
      cashMinor: 4_000,
      voucherReturnedMinor: 0,
      voucherForfeitedMinor: 1_000,
      returnedTo: null,
    });
    await expectTRPCError(alice().orders.refundPreview({ orderId, amount: "50.01" }), "BAD_REQUEST");
    await expectTRPCError(
      callerFor(handle, "u-bob").orders.refundPreview({ orderId, amount: "1.00" }),
      "NOT_FOUND",
    );
  });
});
