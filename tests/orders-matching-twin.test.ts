import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { candidateVouchers, excludedProducts, paymentOptions } from "@/server/orders/queries";
import { type MatchOrder, matchVouchers } from "@/server/orders/rules";
import { createOrder } from "@/server/orders/service";
import { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { eachDriver, seededDatabase, testDatabases } from "./db";

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
      await handle?.close();
    });

    it("R-MATCH-1 R-MATCH-2 R-MATCH-3 R-MATCH-4: for every product, payment type, transaction type and amount, counts, lists and default match matchVouchers over all candidates", async () => {
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
              const full = matchVouchers(page.order as MatchOrder, vouchers, now, excluded);
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
  },
);
