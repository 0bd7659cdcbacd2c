import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { callerFor, expectTRPCError, snapshot } from "./helpers";
import { newKey } from "./orders-helpers";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))("[%s] cancelling a pending order", (_name, driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await seededDatabase(driver);
  }, 120_000);
  afterAll(() => driver.closeAll());

  it("R-MATCH-6 R-SEC-1: the owner cancels a pending order once (twice answers the same); it can no longer be paid; paid orders and other accounts' orders are refused and nothing changes", async () => {
    const alice = callerFor(handle, "u-alice");
    const bob = callerFor(handle, "u-bob");
    const { id } = await alice.orders.create({
      productCode: "ecs",
      paymentType: "Subscription",
      transactionType: "New Purchase",
      amount: "12.00",
    });
    await expectTRPCError(bob.orders.cancel({ id }), "NOT_FOUND");
    expect(await alice.orders.cancel({ id })).toEqual({ id, status: "Cancelled" });
    expect(await alice.orders.cancel({ id })).toEqual({ id, status: "Cancelled" });
    expect((await alice.orders.get({ id })).status).toBe("Cancelled");
    const before = await snapshot(handle.db);
    await expectTRPCError(
      alice.orders.pay({ orderId: id, couponId: null, expectedDeductionMinor: 0, idempotencyKey: newKey() }),
      "CONFLICT",
    );
    expect(await snapshot(handle.db)).toEqual({ ...before, idempotency_keys: before?.idempotency_keys });
    // A paid order cannot be cancelled.
    const paid = await alice.orders.create({
      productCode: "ecs",
      paymentType: "Subscription",
      transactionType: "New Purchase",
      amount: "3.00",
    });
    await alice.orders.pay({
      orderId: paid.id,
      couponId: null,
      expectedDeductionMinor: 0,
      idempotencyKey: newKey(),
    });
    await expectTRPCError(alice.orders.cancel({ id: paid.id }), "CONFLICT");
    expect((await alice.orders.get({ id: paid.id })).status).toBe("Paid");
  });
});
