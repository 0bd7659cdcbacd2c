import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { paymentOptions } from "@/server/orders/queries";
import { candidateVouchers, excludedProducts } from "./orders-helpers";
import { type MatchOrder, matchVouchersOracle } from "@/server/orders/rules";
import { createOrder } from "@/server/orders/service";
import { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { insertPendingOrders } from "./orders-helpers";

const drivers = await testDatabases();
const PRODUCTS = ["ecs", "oss", "rds", "domains", "email", "cloud_os", "ecs_plan"];
const AMOUNTS = ["0.01", "12.34", "499.99", "500.00", "9999.99"];

describe.each(eachDriver(drivers))(
  "[%s] payment page: SQL narrowing agrees with the pure matcher",
  (_name, driver) => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await seededDatabase(driver);
    }, 120_000);
    afterAll(async () => {
      // closeAll also drops the test's PostgreSQL database.
      await driver.closeAll();
    });

    it("R-MATCH-1 R-MATCH-2 R-MATCH-3 R-MATCH-4: for every product, payment type, transaction type and amount, counts, lists and default match matchVouchersOracle over all candidates", async () => {
      const excluded = await excludedProducts(handle.db);
      let cases = 0;
      for (const account of [ACCOUNTS.alice, ACCOUNTS.bob, ACCOUNTS.acme]) {
        const actor = { userId: "u-test", accountId: account };
        for (const productCode of PRODUCTS) {
          for (const paymentType of PAYMENT_TYPES) {
            for (const transactionType of TRANSACTION_TYPES) {
              const amount = AMOUNTS[cases % AMOUNTS.length] as string;
              cases += 1;
              const { id } = await createOrder(handle.db, actor, {
                productCode,
                paymentType,
                transactionType,
                amount,
              });
              const page = await paymentOptions(handle.db, account, id);
              const { now, vouchers } = await candidateVouchers(handle.db, account);
              const full = matchVouchersOracle(page.order as MatchOrder, vouchers, now, excluded);
              const label = `${account} ${productCode} ${paymentType} ${transactionType} ${amount}`;
              expect(page.applicableCount, label).toBe(full.applicable.length);
              expect(page.unavailableCount, label).toBe(full.unavailable.length);
              expect(page.defaultVoucherId, label).toBe(full.defaultVoucherId);
              expect(
                page.applicable.map((a) => a.id),
                label,
              ).toEqual(full.applicable.slice(0, 100).map((a) => a.voucher.id));
              expect(
                page.unavailable.map((u) => [u.id, u.reasons.map((r) => r.code)]),
                label,
              ).toEqual(full.unavailable.slice(0, 100).map((u) => [u.voucher.id, u.reasons]));
            }
          }
        }
      }
      expect(cases).toBe(3 * PRODUCTS.length * PAYMENT_TYPES.length * TRANSACTION_TYPES.length);
    }, 120_000);

    it("R-MATCH-1 R-MATCH-2 R-MATCH-3 R-MATCH-4 R-TIME-1: more than 100 of each kind, vouchers shared with the account, ties in priority down to the ID, IDs in mixed case: counts over all, the first 100 of each as matchVouchersOracle over all candidates", async () => {
      const db = handle.db;
      const [me, other] = ["5000000000009901", "5000000000009902"];
      await db.execute(
        sql`INSERT INTO accounts (id, name) VALUES (${me}, 'Edge cases'), (${other}, 'Edge owner')`,
      );
      // 400 cash vouchers of mine and 60 of the other account (two in three shared with me), plus discount
      // coupons (never candidates). Balances take 3 values, expiry 2 and issuance 1, so R-MATCH-4 falls
      // through to the ID over and over. IDs mix case and dash positions, where code-unit order (the pure
      // function's) and a dictionary collation would disagree; the test databases collate as C, so this
      // pins the result rather than proving the statement's COLLATE "C". h picks the state: applicable,
      // expired, not yet effective (both by the database clock), used up, below the limit on order amount,
      // payment type or product not covered.
      const insert = (owner: string, prefix: string, n: number) => sql`
        INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, discount_bps,
                             discount_cap_minor, commodities, payment_types, min_order_minor, effective_from,
                             expires_at, issued_at, source, description, shared)
        SELECT CASE i % 4 WHEN 0 THEN ${prefix} || '-' || lpad(i::text, 4, '0')
                          WHEN 1 THEN lower(${prefix}) || '-' || lpad(i::text, 4, '0')
                          WHEN 2 THEN ${prefix} || lpad(i::text, 4, '0')
                          ELSE ${prefix} || '-A-' || lpad(i::text, 4, '0') END,
               ${owner}, CASE WHEN i % 13 = 0 THEN 'Discount Coupon' ELSE 'Cash Coupon' END::coupon_type, CASE WHEN i % 17 = 0 THEN 'EUR' ELSE 'USD' END,
               90000, CASE WHEN h = 3 THEN 0 ELSE 30000 * (1 + i % 3) END,
               CASE WHEN i % 13 = 0 THEN 1000 END, CASE WHEN i % 13 = 0 THEN 90000 END,
               CASE WHEN h = 6 THEN ARRAY['oss'] ELSE '{}'::text[] END,
               CASE WHEN h = 5 THEN '{Pay-as-you-go}'::payment_type[]
                    ELSE '{Subscription,Pay-as-you-go}'::payment_type[] END,
               CASE WHEN h = 4 THEN 20000 ELSE 0 END,
               CASE WHEN h = 2 THEN now() + interval '1 day' ELSE timestamptz '2026-01-01 00:00:00+00' END,
               CASE WHEN h = 1 THEN now() - interval '1 day'
                    ELSE now() + interval '400 days' + (i % 2) * interval '1 day' END,
               timestamptz '2025-12-01 00:00:00+00', 'Direct issuance', 'edge ' || i, ${owner !== me}
        FROM (SELECT i, CASE WHEN i % 2 = 0 THEN 0 ELSE 1 + (i / 2) % 6 END AS h FROM generate_series(1, ${n}) i) s`;
      await db.execute(insert(me, "EDGE", 400));
      await db.execute(insert(other, "ASHR", 60));
      await db.execute(sql`INSERT INTO coupon_shares (coupon_id, account_id)
        SELECT id, ${me} FROM coupons WHERE account_id = ${other} AND right(id, 4)::int % 3 <> 0`);
      const orderId = "ORD-EDGE-0001";
      await insertPendingOrders(db, [{ id: orderId, accountId: me, amountMinor: 15000 }]);

      const page = await paymentOptions(db, me, orderId);
      const { now, vouchers } = await candidateVouchers(db, me);
      const full = matchVouchersOracle(page.order as MatchOrder, vouchers, now, await excludedProducts(db));
      expect(full.applicable.length).toBeGreaterThan(100);
      expect(full.unavailable.length).toBeGreaterThan(100);
      expect(vouchers.some((v) => v.accountId === other)).toBe(true);
      expect(page.applicableCount).toBe(full.applicable.length);
      expect(page.unavailableCount).toBe(full.unavailable.length);
      expect(page.defaultVoucherId).toBe(full.defaultVoucherId);
      expect(page.applicable.map((a) => [a.id, a.deductionMinor, a.shared])).toEqual(
        full.applicable
          .slice(0, 100)
          .map((a) => [a.voucher.id, a.deductionMinor, a.voucher.accountId === other]),
      );
      expect(page.unavailable.map((u) => [u.id, u.reasons.map((r) => r.code), u.shared])).toEqual(
        full.unavailable.slice(0, 100).map((u) => [u.voucher.id, u.reasons, u.voucher.accountId === other]),
      );
      // The edges are really exercised: shared vouchers on both lists, and ties down to the ID.
      expect(page.applicable.some((a) => a.shared)).toBe(true);
      expect(page.unavailable.some((u) => u.shared)).toBe(true);
      const [a0, a1] = full.applicable.map((a) => a.voucher);
      expect(
        a0 && a1 && a0.balanceMinor === a1.balanceMinor && a0.expiresAt.getTime() === a1.expiresAt.getTime(),
      ).toBe(true);
    }, 120_000);
  },
);
