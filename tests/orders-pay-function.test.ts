import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { excludedProducts } from "./orders-helpers";
import { type MatchOrder, type MatchVoucher, unavailableReasonsOracle } from "@/server/orders/rules";
import { createOrder } from "@/server/orders/service";
import { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { eachDriver, seededDatabase, testDatabases } from "./db";

const drivers = await testDatabases();
const PRODUCTS = ["ecs", "oss", "rds", "domains", "email", "cloud_os", "ecs_plan"];
const AMOUNTS = ["0.01", "12.34", "499.99", "500.00", "9999.99"];
/** Instants to judge at, relative to the database's now (whole seconds): past, present, future. */
const OFFSETS_DAYS = [-400, -30, 0, 45, 400];
const REQUIRED_REASONS = [
  "NOT_USABLE_BY_ACCOUNT",
  "EXPIRED",
  "NOT_YET_EFFECTIVE",
  "USED_UP",
  "PRODUCT_EXCLUDED_FROM_GENERAL",
  "PRODUCT_NOT_COVERED",
  "SCOPE_NOT_COVERED",
  "PAYMENT_TYPE_NOT_COVERED",
  "BELOW_MIN_ORDER",
  "RECLAIMED",
];

type VoucherRow = {
  id: string;
  account_id: string;
  shared_with: string[];
  currency: string;
  balance_minor: string;
  commodities: string[];
  scopes: string[];
  payment_types: string[];
  min_order_minor: string;
  effective_from: string;
  expires_at: string;
  issued_at: string;
  reclaimed: boolean;
};

describe.each(eachDriver(drivers))(
  "[%s] pay_order(): the database's judgement is the pure matcher's",
  (_name, driver) => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await seededDatabase(driver);
    }, 120_000);
    afterAll(async () => {
      // closeAll also drops the test's PostgreSQL database.
      await driver.closeAll();
    });

    it("R-MATCH-2 R-TIME-1: voucher_reasons() gives exactly unavailableReasonsOracle() for every voucher × order shape × account × instant", async () => {
      const db = handle.db;
      const excluded = await excludedProducts(db);
      const vouchers = (
        await rows<VoucherRow>(
          db,
          sql`SELECT c.id, c.account_id,
                     coalesce((SELECT array_agg(s.account_id) FROM coupon_shares s WHERE s.coupon_id = c.id), '{}') AS shared_with,
                     c.currency, c.balance_minor::text, c.commodities, c.scopes::text[] AS scopes,
                     c.payment_types::text[] AS payment_types, c.min_order_minor::text,
                     to_char(c.effective_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS effective_from,
                     to_char(c.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS expires_at,
                     to_char(c.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS issued_at,
                     c.reclaimed_at IS NOT NULL AS reclaimed
              FROM coupons c WHERE c.coupon_type = 'Cash Coupon' ORDER BY c.id`,
        )
      ).map(
        (r): MatchVoucher => ({
          id: r.id,
          accountId: r.account_id,
          sharedWith: r.shared_with,
          currency: r.currency,
          balanceMinor: Number(r.balance_minor),
          commodities: r.commodities,
          scopes: r.scopes,
          paymentTypes: r.payment_types,
          minOrderMinor: Number(r.min_order_minor),
          effectiveFrom: new Date(r.effective_from),
          expiresAt: new Date(r.expires_at),
          issuedAt: new Date(r.issued_at),
          reclaimed: r.reclaimed,
        }),
      );
      expect(vouchers.length).toBeGreaterThan(10);
      const [{ base } = { base: "" }] = await rows<{ base: string }>(
        db,
        sql`SELECT to_char(date_trunc('second', now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS base`,
      );
      const instants = OFFSETS_DAYS.map((d) => new Date(new Date(base).getTime() + d * 86_400_000));
      // Every voucher's own edges too: its expiry instant and the instant it takes effect.
      const edges = vouchers.flatMap((v) => [v.expiresAt, v.effectiveFrom]).slice(0, 40);

      let judged = 0;
      const seen = new Set<string>();
      for (const account of [ACCOUNTS.alice, ACCOUNTS.bob, ACCOUNTS.acme]) {
        const actor = { userId: "u-test", accountId: account };
        let shape = 0;
        for (const productCode of PRODUCTS) {
          for (const paymentType of PAYMENT_TYPES) {
            for (const transactionType of TRANSACTION_TYPES) {
              const amount = AMOUNTS[shape % AMOUNTS.length] as string;
              const at = [...instants, ...edges][shape % (instants.length + edges.length)] as Date;
              shape += 1;
              const { id } = await createOrder(db, actor, {
                productCode,
                paymentType,
                transactionType,
                amount,
              });
              const order: MatchOrder = {
                accountId: account,
                productCode,
                paymentType,
                transactionType,
                amountMinor: Math.round(Number(amount) * 100),
                currency: "USD",
              };
              const fromSql = await rows<{ id: string; reasons: string[] }>(
                db,
                sql`SELECT c.id, reason_codes(voucher_reasons(c,
                           c.account_id = o.account_id
                             OR EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = c.id AND s.account_id = o.account_id),
                           o.currency, o.product_code, p.excluded_from_general, o.payment_type, o.transaction_type,
                           o.amount_minor, ${at.toISOString()}::timestamptz)) AS reasons
                    FROM coupons c, orders o JOIN products p ON p.code = o.product_code
                    WHERE o.id = ${id} AND c.coupon_type = 'Cash Coupon' ORDER BY c.id`,
              );
              const expected = vouchers.map((v) => ({
                id: v.id,
                reasons: unavailableReasonsOracle(order, v, at, excluded),
              }));
              expect(
                fromSql,
                `${account} ${productCode} ${paymentType} ${transactionType} ${amount} at ${at.toISOString()}`,
              ).toEqual(expected);
              for (const r of expected) for (const code of r.reasons) seen.add(code);
              judged += expected.length;
            }
          }
        }
      }
      // The comparison exercised every reason the seeded world can produce.
      console.info("reasons seen", [...seen].sort().join(" "));
      for (const code of REQUIRED_REASONS) expect(seen, code).toContain(code);
      expect(judged).toBeGreaterThan(1000);
    }, 180_000);
  },
);
