/**
 * Orders and payment through the tRPC procedures, on PGlite and PostgreSQL: matching on the
 * payment page (R-MATCH-1..3), paying (R-MATCH-5..7), validity by the database clock
 * (R-TIME-1), invoiceable amount (R-INV-1), renewal (R-MATCH-8), access (R-SEC-1) and input
 * (R-SEC-2).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, type Executor, openDatabase, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD } from "@/db/seed";
import { sessionTokenHash, signIn, signOut } from "@/server/auth/session";
import { MAX_MINOR, toDecimal } from "@/server/money";
import { appRouter, createCaller } from "@/server/trpc/root";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { callerFor, expectTRPCError, snapshot } from "./helpers";
import { assertLedgerInvariant } from "./invariants";
import {
  assertOrderInvariants,
  balanceOf,
  count,
  deductionsOf,
  expectDomainError,
  insertVoucher,
  newKey,
  orderRow,
} from "./orders-helpers";

const drivers = await testDatabases();

type Caller = ReturnType<typeof callerFor>;

/**
 * An oracle for R-MATCH-2 written in SQL, independent of server/orders/rules.ts: the vouchers
 * an account may use on an order, in R-MATCH-4 priority order.
 */
async function applicableBySql(db: Executor, orderId: string): Promise<{ id: string; balance: number }[]> {
  const found = await rows<{ id: string; balance: string }>(
    db,
    sql`SELECT c.id, c.balance_minor::text AS balance
          FROM orders o JOIN products p ON p.code = o.product_code, coupons c
         WHERE o.id = ${orderId}
           AND c.coupon_type = 'Cash Coupon'
           AND (c.account_id = o.account_id
                OR EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = c.id AND s.account_id = o.account_id))
           AND c.reclaimed_at IS NULL AND c.effective_from <= now() AND c.expires_at > now() AND c.balance_minor > 0
           AND c.currency = o.currency
           AND ((cardinality(c.commodities) = 0 AND NOT p.excluded_from_general) OR o.product_code = ANY (c.commodities))
           AND (cardinality(c.scopes) = 0 OR o.transaction_type = ANY (c.scopes))
           AND o.payment_type = ANY (c.payment_types)
           AND o.amount_minor >= c.min_order_minor
         ORDER BY c.balance_minor DESC, c.expires_at, c.issued_at, c.id COLLATE "C"`,
  );
  return found.map((r) => ({ id: r.id, balance: Number(r.balance) }));
}

async function createOrder(
  c: Caller,
  amount: string,
  over: Partial<{
    productCode: string;
    paymentType: "Subscription" | "Pay-as-you-go";
    transactionType: "New Purchase" | "Renewal";
  }> = {},
) {
  const { id } = await c.orders.create({
    productCode: over.productCode ?? "ecs",
    paymentType: over.paymentType ?? "Subscription",
    transactionType: over.transactionType ?? "New Purchase",
    amount,
  });
  return id;
}

describe.each(eachDriver(drivers))("[%s] orders and payment", (_name, driver) => {
  let handle: DatabaseHandle;
  let alice: Caller;
  let bob: Caller;
  let carol: Caller;
  let dave: Caller;

  beforeAll(async () => {
    handle = await seededDatabase(driver);
    alice = callerFor(handle, "u-alice");
    bob = callerFor(handle, "u-bob");
    carol = callerFor(handle, "u-carol");
    dave = callerFor(handle, "u-dave");
  });
  afterAll(async () => {
    // Every test leaves the ledger and the orders consistent.
    if (handle) {
      await assertLedgerInvariant(handle);
      await assertOrderInvariants(handle.db);
    }
    await driver.closeAll();
  });

  describe("matching on the payment page", () => {
    it("R-MATCH-1/R-MATCH-3: an ECS order lists exactly the applicable vouchers; the default is the priority maximum", async () => {
      const id = await createOrder(alice, "100.00");
      const page = await alice.orders.paymentOptions({ id });
      const expected = await applicableBySql(handle.db, id);
      expect(expected.length).toBeGreaterThan(5);
      expect(page.applicable.map((v) => v.id)).toEqual(expected.map((v) => v.id));
      expect(page.applicableCount).toBe(expected.length);
      expect(page.defaultVoucherId).toBe(expected[0]?.id);
      expect(page.defaultVoucherId).toBe("CP-7Q2M-9XK4"); // the largest balance of Alice's general vouchers
      for (const v of page.applicable) {
        expect(v.deductionMinor).toBe(Math.min(v.balanceMinor, 10_000));
        expect(v.shared).toBe(false);
      }
      // Discount coupons cannot pay: listed as unavailable, saying why (decision 013).
      expect(page.applicable.filter((v) => v.id.startsWith("CP-DISC"))).toEqual([]);
      for (const d of page.unavailable.filter((v) => v.id.startsWith("CP-DISC"))) {
        expect(d.reasons.map((r) => r.code)).toContain("DISCOUNT_COUPON");
      }
      expect(page.unavailable.some((v) => v.id === "CP-DISC-0012")).toBe(true);
      // Every other coupon of Alice is in the unavailable section, with its reasons.
      const [all] = await rows<{ n: string }>(
        handle.db,
        sql`SELECT count(*)::text AS n FROM coupons WHERE account_id = ${ACCOUNTS.alice}`,
      );
      expect(page.applicableCount + page.unavailableCount).toBe(Number(all?.n));
      const reasons = Object.fromEntries(page.unavailable.map((u) => [u.id, u.reasons.map((r) => r.code)]));
      expect(reasons["CP-9V3K-ABCD"]).toEqual(["BELOW_MIN_ORDER"]);
      expect(reasons["CP-CLOS-0015"]).toEqual(["PRODUCT_NOT_COVERED"]);
      expect(reasons["CP-RDS0-0003"]).toEqual(["PRODUCT_NOT_COVERED"]);
      expect(reasons["CP-EXPD-0008"]).toEqual(["EXPIRED"]);
      expect(reasons["CP-EXPD-0009"]).toEqual(["EXPIRED"]);
      expect(reasons["CP-SOON-0010"]).toEqual(["NOT_YET_EFFECTIVE"]);
      expect(reasons["CP-SOON-0011"]).toEqual(["NOT_YET_EFFECTIVE", "PRODUCT_NOT_COVERED"]);
      expect(reasons["CP-PAYG-0002"]).toEqual(["PAYMENT_TYPE_NOT_COVERED"]);
      expect(reasons["CP-RNWL-0001"]).toEqual(["SCOPE_NOT_COVERED"]);
      expect(reasons["CP-USED-0006"]).toEqual(["USED_UP"]);
      for (const u of page.unavailable) {
        expect(u.reasons.length).toBeGreaterThan(0);
        for (const r of u.reasons) expect(r.text.length).toBeGreaterThan(3);
      }
    });

    it("R-MATCH-1/R-MATCH-2: a Cloud OS order: general vouchers are excluded, only the Cloud OS voucher applies", async () => {
      const id = await createOrder(alice, "80.00", { productCode: "cloud_os" });
      const page = await alice.orders.paymentOptions({ id });
      expect(page.applicable.map((v) => v.id)).toEqual(["CP-CLOS-0015"]);
      expect(page.applicable.map((v) => v.id)).toEqual(
        (await applicableBySql(handle.db, id)).map((v) => v.id),
      );
      expect(page.defaultVoucherId).toBe("CP-CLOS-0015");
      expect(page.applicable[0]?.deductionMinor).toBe(8_000);
      const reasons = Object.fromEntries(page.unavailable.map((u) => [u.id, u.reasons.map((r) => r.code)]));
      expect(reasons["CP-7Q2M-9XK4"]).toEqual(["PRODUCT_EXCLUDED_FROM_GENERAL"]);
      expect(reasons["CP-CAMP-0014"]).toEqual(["PRODUCT_EXCLUDED_FROM_GENERAL"]);
      expect(reasons["CP-4HB8-T2WN"]).toEqual(["PRODUCT_NOT_COVERED"]);
    });

    it("R-MATCH-2: an order of exactly the limit on order amount can use the voucher", async () => {
      const id = await createOrder(alice, "500.00");
      const page = await alice.orders.paymentOptions({ id });
      expect(page.applicable.map((v) => v.id)).toContain("CP-9V3K-ABCD");
      const below = await createOrder(alice, "499.99");
      const pageBelow = await alice.orders.paymentOptions({ id: below });
      expect(pageBelow.unavailable.find((u) => u.id === "CP-9V3K-ABCD")?.reasons.map((r) => r.code)).toEqual([
        "BELOW_MIN_ORDER",
      ]);
    });
  });

  describe("paying", () => {
    it("R-MATCH-5/R-MATCH-7: paying with the default voucher: order Paid, parts add up, one Deduction row, balance reduced", async () => {
      const id = await createOrder(alice, "123.45");
      const page = await alice.orders.paymentOptions({ id });
      const chosen = page.applicable[0];
      if (!chosen) throw new Error("no applicable voucher");
      const before = await balanceOf(handle.db, chosen.id);
      const paid = await alice.orders.pay({
        orderId: id,
        couponId: chosen.id,
        expectedDeductionMinor: chosen.deductionMinor,
        idempotencyKey: newKey(),
      });
      expect(paid).toMatchObject({
        orderId: id,
        status: "Paid",
        couponId: chosen.id,
        voucherMinor: 12_345,
        cashMinor: 0,
      });
      expect(paid.voucherMinor + paid.cashMinor).toBe(12_345);
      expect(await balanceOf(handle.db, chosen.id)).toBe(before - 12_345);
      const o = await orderRow(handle.db, id);
      expect(o).toMatchObject({ status: "Paid", coupon_id: chosen.id, voucher_minor: 12_345, cash_minor: 0 });
      const ds = await deductionsOf(handle.db, id);
      expect(ds).toHaveLength(1);
      expect(ds[0]).toMatchObject({
        coupon_id: chosen.id,
        account_id: ACCOUNTS.alice,
        amount_minor: 12_345,
        balance_after_minor: before - 12_345,
      });
      await assertLedgerInvariant(handle);
    });

    it("R-MATCH-5: a voucher smaller than the order pays its whole balance and the rest is cash; it stays usable while balance is left", async () => {
      await insertVoucher(handle.db, {
        id: "CP-PART-0001",
        accountId: ACCOUNTS.alice,
        nominalMinor: 5_000,
        commodities: ["email"],
      });
      const first = await createOrder(alice, "30.00", { productCode: "email" });
      const p1 = await alice.orders.pay({
        orderId: first,
        couponId: "CP-PART-0001",
        expectedDeductionMinor: 3_000,
        idempotencyKey: newKey(),
      });
      expect(p1).toMatchObject({ voucherMinor: 3_000, cashMinor: 0 });
      const second = await createOrder(alice, "30.00", { productCode: "email" });
      const page = await alice.orders.paymentOptions({ id: second });
      expect(page.applicable.find((v) => v.id === "CP-PART-0001")?.deductionMinor).toBe(2_000);
      const p2 = await alice.orders.pay({
        orderId: second,
        couponId: "CP-PART-0001",
        expectedDeductionMinor: 2_000,
        idempotencyKey: newKey(),
      });
      expect(p2).toMatchObject({ voucherMinor: 2_000, cashMinor: 1_000 });
      expect(await balanceOf(handle.db, "CP-PART-0001")).toBe(0);
      const third = await createOrder(alice, "30.00", { productCode: "email" });
      const page3 = await alice.orders.paymentOptions({ id: third });
      expect(page3.unavailable.find((v) => v.id === "CP-PART-0001")?.reasons.map((r) => r.code)).toEqual([
        "USED_UP",
      ]);
    });

    it("R-MATCH-7: the same key twice gives the same answer and one deduction", async () => {
      const id = await createOrder(alice, "10.00");
      const input = {
        orderId: id,
        couponId: "CP-CAMP-0014",
        expectedDeductionMinor: 1_000,
        idempotencyKey: newKey(),
      };
      const first = await alice.orders.pay(input);
      const before = await snapshot(handle.db);
      const second = await alice.orders.pay(input);
      expect(second).toEqual(first);
      // Lower case IDs are the same payment.
      expect(
        await alice.orders.pay({ ...input, orderId: id.toLowerCase(), couponId: "cp-camp-0014" }),
      ).toEqual(first);
      expect(await snapshot(handle.db)).toEqual(before);
      expect(await deductionsOf(handle.db, id)).toHaveLength(1);
    });

    it("R-MATCH-7: the same key with a different payload is IDEMPOTENCY_KEY_REUSED and writes nothing", async () => {
      const id = await createOrder(alice, "10.00");
      const other = await createOrder(alice, "10.00");
      const key = newKey();
      await alice.orders.pay({
        orderId: id,
        couponId: "CP-CAMP-0014",
        expectedDeductionMinor: 1_000,
        idempotencyKey: key,
      });
      const before = await snapshot(handle.db);
      const ordersBefore = await count(handle.db, "orders");
      for (const changed of [
        { orderId: other, couponId: "CP-CAMP-0014", expectedDeductionMinor: 1_000 },
        { orderId: id, couponId: "CP-7Q2M-9XK4", expectedDeductionMinor: 1_000 },
        { orderId: id, couponId: "CP-CAMP-0014", expectedDeductionMinor: 999 },
        { orderId: id, couponId: null, expectedDeductionMinor: 0 },
      ]) {
        await expectDomainError(
          alice.orders.pay({ ...changed, idempotencyKey: key }),
          "UNPROCESSABLE_CONTENT",
          "IDEMPOTENCY_KEY_REUSED",
        );
      }
      expect(await snapshot(handle.db)).toEqual(before);
      expect(await count(handle.db, "orders")).toBe(ordersBefore);
      expect((await orderRow(handle.db, other))?.status).toBe("Pending Payment");
      // Keys are per account: Bob may use the same string for his own payment.
      const bobs = await createOrder(bob, "1.00");
      expect(
        await bob.orders.pay({
          orderId: bobs,
          couponId: null,
          expectedDeductionMinor: 0,
          idempotencyKey: key,
        }),
      ).toMatchObject({
        status: "Paid",
        cashMinor: 100,
      });
    });

    it("R-MATCH-7: a second confirmation with a new key is ORDER_ALREADY_PAID and charges nothing", async () => {
      const id = await createOrder(alice, "10.00");
      await alice.orders.pay({
        orderId: id,
        couponId: "CP-CAMP-0014",
        expectedDeductionMinor: 1_000,
        idempotencyKey: newKey(),
      });
      const before = await snapshot(handle.db);
      await expectDomainError(
        alice.orders.pay({
          orderId: id,
          couponId: "CP-CAMP-0014",
          expectedDeductionMinor: 1_000,
          idempotencyKey: newKey(),
        }),
        "CONFLICT",
        "ORDER_ALREADY_PAID",
      );
      await expectDomainError(
        alice.orders.pay({
          orderId: id,
          couponId: null,
          expectedDeductionMinor: 0,
          idempotencyKey: newKey(),
        }),
        "CONFLICT",
        "ORDER_ALREADY_PAID",
      );
      expect(await snapshot(handle.db)).toEqual(before);
      expect(await deductionsOf(handle.db, id)).toHaveLength(1);
    });

    it("R-MATCH-6/R-MATCH-7: VOUCHER_CHANGED when another order spent the balance between the page and the payment; nothing charged", async () => {
      await insertVoucher(handle.db, {
        id: "CP-CHNG-0001",
        accountId: ACCOUNTS.alice,
        nominalMinor: 5_000,
        commodities: ["domains"],
      });
      const a = await createOrder(alice, "30.00", { productCode: "domains" });
      const b = await createOrder(alice, "40.00", { productCode: "domains" });
      const pageB = await alice.orders.paymentOptions({ id: b });
      const shown = pageB.applicable.find((v) => v.id === "CP-CHNG-0001");
      expect(shown?.deductionMinor).toBe(4_000);
      await alice.orders.pay({
        orderId: a,
        couponId: "CP-CHNG-0001",
        expectedDeductionMinor: 3_000,
        idempotencyKey: newKey(),
      });
      const before = await snapshot(handle.db);
      const e = await expectDomainError(
        alice.orders.pay({
          orderId: b,
          couponId: "CP-CHNG-0001",
          expectedDeductionMinor: 4_000,
          idempotencyKey: newKey(),
        }),
        "CONFLICT",
        "VOUCHER_CHANGED",
      );
      expect(e?.message).toMatch(/\$20\.00/);
      expect(await snapshot(handle.db)).toEqual(before);
      expect(await orderRow(handle.db, b)).toMatchObject({
        status: "Pending Payment",
        voucher_minor: 0,
        coupon_id: null,
      });
      expect(await balanceOf(handle.db, "CP-CHNG-0001")).toBe(2_000);
      // Reviewing again and confirming the new amount works.
      const again = await alice.orders.paymentOptions({ id: b });
      expect(again.applicable.find((v) => v.id === "CP-CHNG-0001")?.deductionMinor).toBe(2_000);
      expect(
        await alice.orders.pay({
          orderId: b,
          couponId: "CP-CHNG-0001",
          expectedDeductionMinor: 2_000,
          idempotencyKey: newKey(),
        }),
      ).toMatchObject({ voucherMinor: 2_000, cashMinor: 2_000 });
    });

    it("R-MATCH-7: an expected deduction other than 0 without a voucher is BAD_REQUEST; a voucher that does not apply is VOUCHER_NOT_APPLICABLE", async () => {
      const id = await createOrder(alice, "10.00");
      const before = await snapshot(handle.db);
      await expectDomainError(
        alice.orders.pay({
          orderId: id,
          couponId: null,
          expectedDeductionMinor: 1,
          idempotencyKey: newKey(),
        }),
        "BAD_REQUEST",
        "INVALID_INPUT",
      );
      for (const couponId of [
        "CP-9V3K-ABCD",
        "CP-EXPD-0008",
        "CP-SOON-0010",
        "CP-USED-0006",
        "CP-PAYG-0002",
        "CP-CLOS-0015",
      ]) {
        await expectDomainError(
          alice.orders.pay({
            orderId: id,
            couponId,
            expectedDeductionMinor: 1_000,
            idempotencyKey: newKey(),
          }),
          "UNPROCESSABLE_CONTENT",
          "VOUCHER_NOT_APPLICABLE",
        );
      }
      // A discount coupon cannot pay an order (decision 013).
      await expectDomainError(
        alice.orders.pay({
          orderId: id,
          couponId: "CP-DISC-0012",
          expectedDeductionMinor: 1_000,
          idempotencyKey: newKey(),
        }),
        "UNPROCESSABLE_CONTENT",
        "VOUCHER_NOT_APPLICABLE",
      );
      // An unknown ID does not exist.
      for (const couponId of ["CP-NONE-9999"]) {
        await expectDomainError(
          alice.orders.pay({
            orderId: id,
            couponId,
            expectedDeductionMinor: 1_000,
            idempotencyKey: newKey(),
          }),
          "NOT_FOUND",
          "NOT_FOUND",
        );
      }
      expect(await snapshot(handle.db)).toEqual(before);
      expect((await orderRow(handle.db, id))?.status).toBe("Pending Payment");
      // Without a voucher, everything is cash.
      expect(
        await alice.orders.pay({
          orderId: id,
          couponId: null,
          expectedDeductionMinor: 0,
          idempotencyKey: newKey(),
        }),
      ).toMatchObject({
        couponId: null,
        voucherMinor: 0,
        cashMinor: 1_000,
      });
      expect(await deductionsOf(handle.db, id)).toEqual([]);
    });

    it("R-INV-1: a paid order's invoiceable amount is its cash part only; a pending order has none", async () => {
      const id = await createOrder(alice, "100.00");
      expect((await alice.orders.get({ id })).invoiceableMinor).toBe(0);
      const paid = await alice.orders.pay({
        orderId: id,
        couponId: "CP-EQ1X-F0RM",
        expectedDeductionMinor: 8_999,
        idempotencyKey: newKey(),
      });
      expect(paid).toMatchObject({ voucherMinor: 8_999, cashMinor: 1_001 });
      const o = await alice.orders.get({ id });
      expect(o).toMatchObject({
        status: "Paid",
        voucherMinor: 8_999,
        cashMinor: 1_001,
        invoiceableMinor: 1_001,
      });
      const listed = (await alice.orders.list({ limit: 100 })).items.find((x) => x.id === id);
      expect(listed?.invoiceableMinor).toBe(1_001);
      const cashOnly = await createOrder(alice, "7.77");
      await alice.orders.pay({
        orderId: cashOnly,
        couponId: null,
        expectedDeductionMinor: 0,
        idempotencyKey: newKey(),
      });
      expect((await alice.orders.get({ id: cashOnly })).invoiceableMinor).toBe(777);
      // All voucher: nothing to invoice.
      const allVoucher = await createOrder(alice, "1.00");
      await alice.orders.pay({
        orderId: allVoucher,
        couponId: "CP-7Q2M-9XK4",
        expectedDeductionMinor: 100,
        idempotencyKey: newKey(),
      });
      expect((await alice.orders.get({ id: allVoucher })).invoiceableMinor).toBe(0);
    });
  });

  describe("validity by the database clock", () => {
    async function timeCase(db: Executor, label: string, c: Caller) {
      const suffix = label.toUpperCase().slice(0, 4).padEnd(4, "X");
      const ids = { now: `CP-TNOW-${suffix}`, past: `CP-TPST-${suffix}`, soon: `CP-TFUT-${suffix}` };
      for (const id of Object.values(ids)) {
        await insertVoucher(db, { id, accountId: ACCOUNTS.alice, nominalMinor: 1_000, commodities: ["oss"] });
      }
      // Move the end of validity to the database's current instant, 1 s before it and 1 minute after it.
      await db.execute(sql`UPDATE coupons SET expires_at = clock_timestamp() WHERE id = ${ids.now}`);
      await db.execute(
        sql`UPDATE coupons SET expires_at = clock_timestamp() - interval '1 second' WHERE id = ${ids.past}`,
      );
      await db.execute(
        sql`UPDATE coupons SET expires_at = clock_timestamp() + interval '1 minute' WHERE id = ${ids.soon}`,
      );
      for (const couponId of [ids.now, ids.past]) {
        const id = await createOrder(c, "5.00", { productCode: "oss" });
        const page = await c.orders.paymentOptions({ id });
        expect(page.unavailable.find((u) => u.id === couponId)?.reasons.map((r) => r.code)).toEqual([
          "EXPIRED",
        ]);
        const before = await snapshot(db);
        const e = await expectDomainError(
          c.orders.pay({ orderId: id, couponId, expectedDeductionMinor: 500, idempotencyKey: newKey() }),
          "UNPROCESSABLE_CONTENT",
          "VOUCHER_NOT_APPLICABLE",
        );
        expect(e?.message).toMatch(/expired/i);
        expect(e?.message).toMatch(/nothing was charged/i);
        expect(await snapshot(db)).toEqual(before);
        expect((await orderRow(db, id))?.status).toBe("Pending Payment");
      }
      const id = await createOrder(c, "5.00", { productCode: "oss" });
      const page = await c.orders.paymentOptions({ id });
      expect(page.applicable.find((v) => v.id === ids.soon)?.deductionMinor).toBe(500);
      expect(
        await c.orders.pay({
          orderId: id,
          couponId: ids.soon,
          expectedDeductionMinor: 500,
          idempotencyKey: newKey(),
        }),
      ).toMatchObject({
        voucherMinor: 500,
        cashMinor: 0,
      });
      expect(await balanceOf(db, ids.soon)).toBe(500);
      // The answer's times are ISO-8601 UTC whatever the session zone.
      expect(page.evaluatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(Math.abs(Date.parse(page.evaluatedAt) - Date.now())).toBeLessThan(60_000);
    }

    it("R-TIME-1: a voucher ending at the database's current instant or 1 s ago is refused; one ending in 1 minute is accepted (session UTC)", async () => {
      const [tz] = await rows<{ tz: string }>(handle.db, sql`SELECT current_setting('TimeZone') AS tz`);
      expect(tz?.tz).toBe("UTC");
      await timeCase(handle.db, "utc", alice);
    });

    it.runIf(driver.name === "postgres")(
      "R-TIME-1: the same with the database's default zone set to Asia/Shanghai: the server zone does not matter",
      async () => {
        const url = handle.url as string;
        const dbName = new URL(url).pathname.slice(1);
        await handle.db.execute(sql.raw(`ALTER DATABASE ${dbName} SET timezone TO 'Asia/Shanghai'`));
        const shanghai = await openDatabase({ url, poolMax: 2 });
        try {
          // A plain session on that database now runs in Asia/Shanghai...
          const plain = (await import("postgres")).default(url, { max: 1, onnotice: () => {} });
          try {
            const [r] = await plain`SELECT current_setting('TimeZone') AS tz, now()::text AS t`;
            expect(r?.tz).toBe("Asia/Shanghai");
            expect(r?.t).toMatch(/\+08$/);
          } finally {
            await plain.end({ timeout: 5 });
          }
          // ...and the application's sessions still judge validity by the same instant.
          await timeCase(shanghai.db, "asia", callerFor(shanghai, "u-alice"));
        } finally {
          await shanghai.close();
          await handle.db.execute(sql.raw(`ALTER DATABASE ${dbName} RESET timezone`));
        }
      },
    );
  });

  describe("renewal", () => {
    it("R-MATCH-8: renewing a paid subscription makes a Renewal order; New-Purchase-only vouchers do not apply, Renewal ones do", async () => {
      await insertVoucher(handle.db, {
        id: "CP-NEWP-0001",
        accountId: ACCOUNTS.alice,
        nominalMinor: 2_000,
        scopes: ["New Purchase"],
      });
      const original = await createOrder(alice, "20.00");
      const firstPage = await alice.orders.paymentOptions({ id: original });
      expect(firstPage.applicable.map((v) => v.id)).toContain("CP-NEWP-0001");
      await alice.orders.pay({
        orderId: original,
        couponId: null,
        expectedDeductionMinor: 0,
        idempotencyKey: newKey(),
      });
      const { id: renewal } = await alice.orders.renew({ id: original });
      expect(renewal).not.toBe(original);
      // A double click makes one renewal order.
      expect((await alice.orders.renew({ id: original })).id).toBe(renewal);
      const o = await alice.orders.get({ id: renewal });
      expect(o).toMatchObject({
        transactionType: "Renewal",
        paymentType: "Subscription",
        status: "Pending Payment",
        amountMinor: 2_000,
        productCode: "ecs",
        renewalOfOrderId: original,
      });
      const page = await alice.orders.paymentOptions({ id: renewal });
      expect(page.applicable.map((v) => v.id)).toEqual(
        (await applicableBySql(handle.db, renewal)).map((v) => v.id),
      );
      expect(page.unavailable.find((u) => u.id === "CP-NEWP-0001")?.reasons.map((r) => r.code)).toEqual([
        "SCOPE_NOT_COVERED",
      ]);
      const rnwl = page.applicable.find((v) => v.id === "CP-RNWL-0001");
      expect(rnwl?.deductionMinor).toBe(2_000);
      expect(page.applicable.map((v) => v.id)).toContain("CP-7Q2M-9XK4"); // General scope covers Renewal
      await expectDomainError(
        alice.orders.pay({
          orderId: renewal,
          couponId: "CP-NEWP-0001",
          expectedDeductionMinor: 2_000,
          idempotencyKey: newKey(),
        }),
        "UNPROCESSABLE_CONTENT",
        "VOUCHER_NOT_APPLICABLE",
      );
      expect(
        await alice.orders.pay({
          orderId: renewal,
          couponId: "CP-RNWL-0001",
          expectedDeductionMinor: 2_000,
          idempotencyKey: newKey(),
        }),
      ).toMatchObject({ voucherMinor: 2_000, cashMinor: 0 });
      // Once the renewal is paid, renewing again makes a new one.
      const next = await alice.orders.renew({ id: original });
      expect(next.id).not.toBe(renewal);
    });

    it("R-MATCH-8: renewing a pending order or a pay-as-you-go order is refused", async () => {
      const pending = await createOrder(alice, "20.00");
      const before = await count(handle.db, "orders");
      await expectDomainError(alice.orders.renew({ id: pending }), "CONFLICT", "ORDER_NOT_PAYABLE");
      const payg = await createOrder(alice, "20.00", { paymentType: "Pay-as-you-go" });
      await alice.orders.pay({
        orderId: payg,
        couponId: null,
        expectedDeductionMinor: 0,
        idempotencyKey: newKey(),
      });
      await expectDomainError(alice.orders.renew({ id: payg }), "CONFLICT", "ORDER_NOT_PAYABLE");
      expect(await count(handle.db, "orders")).toBe(before + 1);
      await expectDomainError(alice.orders.renew({ id: "ORD-999999999" }), "NOT_FOUND", "NOT_FOUND");
    });
  });

  describe("access", () => {
    it("R-SEC-1: Alice paying Bob's order is NOT_FOUND, and so are get, paymentOptions and renew of it", async () => {
      const bobs = await createOrder(bob, "10.00");
      const before = await snapshot(handle.db);
      await expectDomainError(
        alice.orders.pay({
          orderId: bobs,
          couponId: null,
          expectedDeductionMinor: 0,
          idempotencyKey: newKey(),
        }),
        "NOT_FOUND",
        "NOT_FOUND",
      );
      await expectDomainError(
        alice.orders.pay({
          orderId: bobs,
          couponId: "CP-7Q2M-9XK4",
          expectedDeductionMinor: 1_000,
          idempotencyKey: newKey(),
        }),
        "NOT_FOUND",
        "NOT_FOUND",
      );
      await expectTRPCError(alice.orders.get({ id: bobs }), "NOT_FOUND");
      await expectTRPCError(alice.orders.paymentOptions({ id: bobs }), "NOT_FOUND");
      await expectTRPCError(alice.orders.renew({ id: bobs }), "NOT_FOUND");
      // The enterprise's financial account does not pay a member's orders either (orders act on the caller's own account).
      await expectTRPCError(
        callerFor(handle, "u-acme-admin").orders.pay({
          orderId: bobs,
          couponId: null,
          expectedDeductionMinor: 0,
          idempotencyKey: newKey(),
        }),
        "NOT_FOUND",
      );
      expect(await snapshot(handle.db)).toEqual(before);
      expect((await orderRow(handle.db, bobs))?.status).toBe("Pending Payment");
      expect((await alice.orders.list({ limit: 100 })).items.map((o) => o.id)).not.toContain(bobs);
    });

    it("R-SEC-1: Alice paying her own order with Bob's voucher is NOT_FOUND; his voucher is not on her page", async () => {
      const id = await createOrder(alice, "10.00");
      const page = await alice.orders.paymentOptions({ id });
      const listed = [...page.applicable, ...page.unavailable].map((v) => v.id);
      expect(listed).not.toContain("CP-BOB0-0200");
      expect(listed).not.toContain("CP-POOL-0102");
      const before = await snapshot(handle.db);
      for (const couponId of ["CP-BOB0-0200", "CP-POOL-0102", "CP-ACME-0101"]) {
        await expectDomainError(
          alice.orders.pay({
            orderId: id,
            couponId,
            expectedDeductionMinor: 1_000,
            idempotencyKey: newKey(),
          }),
          "NOT_FOUND",
          "NOT_FOUND",
        );
      }
      expect(await snapshot(handle.db)).toEqual(before);
    });

    it("R-SEC-1: Bob pays with the shared pool voucher and the ledger row is his; Dave (not shared) gets NOT_FOUND", async () => {
      const id = await createOrder(bob, "12.34");
      const page = await bob.orders.paymentOptions({ id });
      const pool = page.applicable.find((v) => v.id === "CP-POOL-0102");
      expect(pool).toMatchObject({ shared: true, deductionMinor: 1_234 });
      const reclaimed = page.unavailable.find((v) => v.id === "CP-POOL-0103");
      expect(reclaimed?.reasons.map((r) => r.code)).toEqual(["RECLAIMED"]);
      const before = await balanceOf(handle.db, "CP-POOL-0102");
      expect(
        await bob.orders.pay({
          orderId: id,
          couponId: "CP-POOL-0102",
          expectedDeductionMinor: 1_234,
          idempotencyKey: newKey(),
        }),
      ).toMatchObject({
        voucherMinor: 1_234,
      });
      const [d] = await deductionsOf(handle.db, id);
      expect(d).toMatchObject({
        coupon_id: "CP-POOL-0102",
        account_id: ACCOUNTS.bob,
        amount_minor: 1_234,
        balance_after_minor: before - 1_234,
      });
      // Carol too; Dave, an enterprise member the voucher is not shared with, cannot.
      const carols = await createOrder(carol, "1.00");
      await carol.orders.pay({
        orderId: carols,
        couponId: "CP-POOL-0102",
        expectedDeductionMinor: 100,
        idempotencyKey: newKey(),
      });
      expect((await deductionsOf(handle.db, carols))[0]?.account_id).toBe(ACCOUNTS.carol);
      const daves = await createOrder(dave, "10.00");
      const snap = await snapshot(handle.db);
      await expectDomainError(
        dave.orders.pay({
          orderId: daves,
          couponId: "CP-POOL-0102",
          expectedDeductionMinor: 1_000,
          idempotencyKey: newKey(),
        }),
        "NOT_FOUND",
        "NOT_FOUND",
      );
      const davePage = await dave.orders.paymentOptions({ id: daves });
      expect([...davePage.applicable, ...davePage.unavailable].map((v) => v.id)).toEqual(["CP-DAVE-0400"]);
      expect(await snapshot(handle.db)).toEqual(snap);
    });

    it("R-SEC-1/R-MATCH-7: orders.pay by session cookie (the session is checked inside the payment statement): a live session pays its own account's order once; an expired one, a signed-out one, an unknown one and another account's are refused and charge nothing", async () => {
      const token = await signIn(handle.db, "alice@example.com", DEMO_PASSWORD);
      if (!token) throw new Error("sign-in failed");
      const viaCookie = createCaller({ handle, sessionToken: token });
      const bobs = await createOrder(bob, "5.00");
      const own = await createOrder(alice, "5.00");
      const page = await alice.orders.paymentOptions({ id: own });
      const chosen = page.applicable[0];
      if (!chosen) throw new Error("no applicable voucher");
      const pay = (c: typeof viaCookie, orderId: string, key = newKey()) =>
        c.orders.pay({
          orderId,
          couponId: chosen.id,
          expectedDeductionMinor: chosen.deductionMinor,
          idempotencyKey: key,
        });

      // Another account's order: not found, whoever's session it is.
      let before = await snapshot(handle.db);
      await expectDomainError(pay(viaCookie, bobs), "NOT_FOUND", "NOT_FOUND");
      // Unknown and over-long tokens: no session.
      await expectTRPCError(
        pay(createCaller({ handle, sessionToken: "no-such-session" }), own),
        "UNAUTHORIZED",
      );
      await expectTRPCError(
        pay(createCaller({ handle, sessionToken: "x".repeat(101) }), own),
        "UNAUTHORIZED",
      );
      expect(await snapshot(handle.db)).toEqual(before);

      // The live session pays, exactly once, as Alice; the ledger row names her user.
      const key = newKey();
      const paid = await pay(viaCookie, own, key);
      expect(paid).toMatchObject({ orderId: own, status: "Paid", couponId: chosen.id });
      expect(await pay(viaCookie, own, key)).toEqual(paid);
      const ds = await rows<{ account_id: string; actor_user_id: string }>(
        handle.db,
        sql`SELECT account_id, actor_user_id FROM coupon_ledger WHERE order_id = ${own}`,
      );
      expect(ds).toEqual([{ account_id: ACCOUNTS.alice, actor_user_id: "u-alice" }]);

      // Expired, then signed out: refused before anything is written.
      const next = await createOrder(alice, "5.00");
      before = await snapshot(handle.db);
      const hash = sessionTokenHash(token);
      await handle.db.execute(
        sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ${hash}`,
      );
      await expectTRPCError(pay(viaCookie, next), "UNAUTHORIZED");
      await signOut(handle.db, token);
      await expectTRPCError(pay(viaCookie, next), "UNAUTHORIZED");
      expect((await orderRow(handle.db, next))?.status).toBe("Pending Payment");
      expect(await snapshot(handle.db)).toEqual(before);
    });

    it("R-SEC-1: an unauthenticated caller gets UNAUTHORIZED from every orders procedure and changes nothing", async () => {
      const anon = callerFor(handle, null);
      const own = await createOrder(alice, "10.00");
      const before = await snapshot(handle.db);
      const ordersBefore = await count(handle.db, "orders");
      const calls: [string, () => Promise<unknown>][] = [
        ["list", () => anon.orders.list({})],
        ["get", () => anon.orders.get({ id: own })],
        [
          "create",
          () =>
            anon.orders.create({
              productCode: "ecs",
              paymentType: "Subscription",
              transactionType: "New Purchase",
              amount: "1.00",
            }),
        ],
        ["renew", () => anon.orders.renew({ id: own })],
        ["cancel", () => anon.orders.cancel({ id: own })],
        ["refund", () => anon.orders.refund({ orderId: own, amount: "1.00", idempotencyKey: newKey() })],
        ["refundPreview", () => anon.orders.refundPreview({ orderId: own, amount: "1.00" })],
        ["paymentOptions", () => anon.orders.paymentOptions({ id: own })],
        [
          "pay",
          () =>
            anon.orders.pay({
              orderId: own,
              couponId: null,
              expectedDeductionMinor: 0,
              idempotencyKey: newKey(),
            }),
        ],
      ];
      // Every orders.* procedure of the router is in the list above.
      const procedures = Object.keys(
        (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
      )
        .filter((p) => p.startsWith("orders."))
        .map((p) => p.slice("orders.".length));
      expect(calls.map((c) => c[0]).sort()).toEqual(procedures.sort());
      for (const [, call] of calls) await expectTRPCError(call, "UNAUTHORIZED");
      expect(await snapshot(handle.db)).toEqual(before);
      expect(await count(handle.db, "orders")).toBe(ordersBefore);
      expect((await orderRow(handle.db, own))?.status).toBe("Pending Payment");
    });
  });

  describe("invalid input", () => {
    it("R-SEC-2: bad amounts, unknown products and types are BAD_REQUEST and create no order", async () => {
      const before = await count(handle.db, "orders");
      const base = {
        productCode: "ecs",
        paymentType: "Subscription",
        transactionType: "New Purchase",
        amount: "1.00",
      } as const;
      const tooBig = `${toDecimal(MAX_MINOR + 1)}`; // one cent above the largest amount
      expect(tooBig).toBe("100000000000.01");
      const bad: Record<string, unknown>[] = [
        ...[
          "-1",
          "0",
          "0.00",
          "0.001",
          "10000000000000.00",
          tooBig,
          "abc",
          "",
          " ",
          "1e5",
          "0x10",
          "NaN",
          "Infinity",
          "1.2.3",
          "１２",
          "-0.01",
        ].map((amount) => ({ ...base, amount })),
        { ...base, amount: 12 },
        { ...base, amount: "9".repeat(25) },
        { ...base, productCode: "no-such-product" },
        { ...base, productCode: "" },
        { ...base, transactionType: "Refund" },
        { ...base, transactionType: "new purchase" },
        { ...base, paymentType: "Prepaid" },
        { ...base, paymentType: null },
      ];
      for (const input of bad) {
        await expectTRPCError(alice.orders.create(input as never), "BAD_REQUEST");
      }
      expect(await count(handle.db, "orders")).toBe(before);
      // The largest amount itself is accepted.
      const max = await createOrder(alice, toDecimal(MAX_MINOR));
      expect((await alice.orders.get({ id: max })).amountMinor).toBe(MAX_MINOR);
    });

    it("R-SEC-2: bad payment input is BAD_REQUEST and charges nothing", async () => {
      const id = await createOrder(alice, "10.00");
      const before = await snapshot(handle.db);
      const ok = {
        orderId: id,
        couponId: "CP-CAMP-0014",
        expectedDeductionMinor: 1_000,
        idempotencyKey: newKey(),
      };
      const bad: Record<string, unknown>[] = [
        { ...ok, expectedDeductionMinor: -1 },
        { ...ok, expectedDeductionMinor: 10.5 },
        { ...ok, expectedDeductionMinor: "1000" },
        { ...ok, expectedDeductionMinor: MAX_MINOR + 1 },
        { ...ok, expectedDeductionMinor: Number.NaN },
        { ...ok, idempotencyKey: "short" },
        { ...ok, idempotencyKey: "x".repeat(101) },
        { ...ok, orderId: "ORD-1; DROP TABLE orders" },
        { ...ok, orderId: "" },
        { ...ok, couponId: "CP-'--" },
        { ...ok, couponId: undefined },
      ];
      for (const input of bad) await expectTRPCError(alice.orders.pay(input as never), "BAD_REQUEST");
      await expectTRPCError(alice.orders.pay({ ...ok, orderId: "ORD-999999999" }), "NOT_FOUND");
      expect(await snapshot(handle.db)).toEqual(before);
      expect((await orderRow(handle.db, id))?.status).toBe("Pending Payment");
    });
  });
});
