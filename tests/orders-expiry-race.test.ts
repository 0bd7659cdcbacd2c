/**
 * T07 (spend vs expiry): payments race the instant a voucher expires. Validity is judged at the
 * moment the money moves (R-TIME-1), so no deduction may be stamped at or after `expires_at`
 * (INV-7), every refusal is typed, and the ledger stays exact. The refund leg of T07 waits for
 * the refund feature. Real PostgreSQL only (PGlite is one connection and cannot race).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { seededDatabase, testDatabases } from "./db";
import { callerFor } from "./helpers";
import { assertLedgerInvariant } from "./invariants";
import { insertPendingOrders, insertVoucher, newKey, outcome } from "./orders-helpers";

const pg = (await testDatabases()).find((d) => d.name === "postgres");

describe.runIf(pg)("[postgres] T07: payments racing a voucher's expiry", () => {
  let base: DatabaseHandle;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    if (!pg) return;
    base = await seededDatabase(pg);
    handle = await openDatabase({ url: base.url, poolMax: 20 });
  });
  afterAll(async () => {
    if (handle) {
      await assertLedgerInvariant(handle);
      await handle.close();
    }
    await pg?.closeAll();
  });

  it("R-TIME-1 R-VOU-5: over 10 rounds, no deduction lands at or after the expiry instant; refusals are typed; drift 0", async () => {
    const alice = callerFor(handle, "u-alice");
    let paid = 0;
    let refused = 0;
    for (let round = 0; round < 10; round++) {
      const id = `CP-T07-${String(round).padStart(4, "0")}`;
      // Expires 150–400 ms from now: the 60 payments below straddle the instant.
      await insertVoucher(handle.db, {
        id,
        accountId: ACCOUNTS.alice,
        nominalMinor: 1_000_000,
        expiresAt: sql`clock_timestamp() + ${`${150 + round * 25} milliseconds`}::interval`,
      });
      const orders = Array.from({ length: 60 }, (_, i) => ({
        id: `ORD-T07-${round}-${i}`,
        accountId: ACCOUNTS.alice,
        amountMinor: 100 + i,
      }));
      await insertPendingOrders(handle.db, orders);
      const results = await Promise.all(
        orders.map(async (o, i) => {
          await new Promise((r) => setTimeout(r, i * 8));
          return outcome(
            alice.orders.pay({
              orderId: o.id,
              couponId: id,
              expectedDeductionMinor: o.amountMinor,
              idempotencyKey: newKey(),
            }),
          );
        }),
      );
      for (const r of results) {
        if (r.ok) paid += 1;
        else {
          refused += 1;
          expect(`${r.code}/${r.domainCode}`).toBe("UNPROCESSABLE_CONTENT/VOUCHER_NOT_APPLICABLE");
        }
      }
      const late = await rows<{ n: number }>(
        handle.db,
        sql`SELECT count(*)::int AS n FROM coupon_ledger l JOIN coupons c ON c.id = l.coupon_id
            WHERE l.coupon_id = ${id} AND l.type = 'Deduction' AND (l.created_at >= c.expires_at OR l.created_at < c.effective_from)`,
      );
      expect(late[0]?.n).toBe(0);
      const paidOrders = await rows<{ n: number }>(
        handle.db,
        sql`SELECT count(*)::int AS n FROM orders WHERE id LIKE ${`ORD-T07-${round}-%`} AND status = 'Paid'`,
      );
      const deductions = await rows<{ n: number }>(
        handle.db,
        sql`SELECT count(*)::int AS n FROM coupon_ledger WHERE coupon_id = ${id} AND type = 'Deduction'`,
      );
      expect(deductions[0]?.n).toBe(paidOrders[0]?.n);
    }
    // Both sides of the instant were exercised.
    expect(paid).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);
});
