/**
 * T07 (spend vs expiry): payments race the instant a voucher expires. Validity is judged at the
 * moment the money moves (R-TIME-1), so no deduction may be stamped at or after `expires_at`
 * (INV-7), every refusal is typed, and the ledger stays exact. The refund leg: unsubscribing half
 * of an order paid with the voucher races a payment of another order on it, across its expiry.
 * Real PostgreSQL only (PGlite is one connection and cannot race).
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

  it("T07 R-REF-3 R-REF-5 R-TIME-1: refund of half of O1 vs payment of O2 on the same voucher vs its expiry, 1,000 randomized repetitions: drift 0, every return applied exactly once (also to an expired voucher), no deduction at or after expiry", async () => {
    const alice = callerFor(handle, "u-alice");
    const REPS = Number(process.env.T07_REPS ?? 1000);
    const BATCH = 20;
    const seed = Number(process.env.T07_SEED ?? Date.now() % 100_000);
    let state = seed;
    const rand = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const counts = { paid: 0, changed: 0, expired: 0, returnedBeforeExpiry: 0, returnedAfterExpiry: 0 };
    const id = (r: number) => String(r).padStart(4, "0");
    // O1 (40.00: 30.00 from V, 10.00 cash) is already paid; O2 (80.00) is pending. V: 100.00, 70.00 left.
    await handle.db.execute(sql`
      INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, payment_types,
                           effective_from, expires_at, issued_at, source, description)
      SELECT 'CP-T07R-' || lpad(r::text, 4, '0'), ${ACCOUNTS.alice}, 'Cash Coupon', 'USD', 10000, 7000,
             '{Subscription,Pay-as-you-go}', now() - interval '10 days', now() + interval '1 day',
             now() - interval '11 days', 'Direct issuance', 'T07 refund leg'
      FROM generate_series(0, ${REPS - 1}) r`);
    await handle.db.execute(sql`
      INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor,
                          status, coupon_id, voucher_minor, cash_minor, paid_at)
      SELECT 'ORD-T07R1-' || lpad(r::text, 4, '0'), ${ACCOUNTS.alice}, 'ecs', 'Subscription', 'New Purchase', 'USD',
             4000, 'Paid', 'CP-T07R-' || lpad(r::text, 4, '0'), 3000, 1000, now() - interval '1 day'
      FROM generate_series(0, ${REPS - 1}) r`);
    await handle.db.execute(sql`
      INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, order_id, note, created_at)
      SELECT 'CP-T07R-' || lpad(r::text, 4, '0'), ${ACCOUNTS.alice}, t.type::ledger_type, t.amount, t.after,
             CASE WHEN t.type = 'Deduction' THEN 'ORD-T07R1-' || lpad(r::text, 4, '0') END, 'T07 setup',
             now() - t.ago
      FROM generate_series(0, ${REPS - 1}) r,
           (VALUES ('Issuance', 10000, 10000, interval '11 days'), ('Deduction', 3000, 7000, interval '1 day')) t(type, amount, after, ago)`);
    await insertPendingOrders(
      handle.db,
      Array.from({ length: REPS }, (_, r) => ({
        id: `ORD-T07R2-${id(r)}`,
        accountId: ACCOUNTS.alice,
        amountMinor: 8000,
      })),
    );
    for (let b = 0; b < REPS; b += BATCH) {
      const reps = Array.from({ length: Math.min(BATCH, REPS - b) }, (_, i) => b + i);
      // Each voucher expires 0–30 ms from now (one statement for the batch); the two calls start within 0–20 ms.
      const offsets = sql.join(
        reps.map((r) => sql`(${`CP-T07R-${id(r)}`}, ${Math.round(rand() * 30)}::int)`),
        sql`, `,
      );
      await handle.db.execute(sql`UPDATE coupons c SET expires_at = clock_timestamp() + make_interval(secs => v.ms / 1000.0)
                                  FROM (VALUES ${offsets}) v(id, ms) WHERE c.id = v.id`);
      await Promise.all(
        reps.flatMap((r) => {
          const delays = [rand() * 20, rand() * 20];
          return [
            (async () => {
              await new Promise((res) => setTimeout(res, delays[0]));
              const done = await alice.orders.refund({
                orderId: `ORD-T07R1-${id(r)}`,
                amount: "20.00",
                idempotencyKey: newKey(),
              });
              expect(done).toMatchObject({
                voucherReturnedMinor: 1500,
                cashRefundedMinor: 500,
                returnedTo: "voucher",
              });
            })(),
            (async () => {
              await new Promise((res) => setTimeout(res, delays[1]));
              const o = await outcome(
                alice.orders.pay({
                  orderId: `ORD-T07R2-${id(r)}`,
                  couponId: `CP-T07R-${id(r)}`,
                  expectedDeductionMinor: 7000,
                  idempotencyKey: newKey(),
                }),
              );
              if (o.ok) counts.paid += 1;
              else if (o.domainCode === "VOUCHER_CHANGED") counts.changed += 1;
              else {
                expect(`${o.code}/${o.domainCode}`, `seed ${seed}`).toBe(
                  "UNPROCESSABLE_CONTENT/VOUCHER_NOT_APPLICABLE",
                );
                counts.expired += 1;
              }
            })(),
          ];
        }),
      );
    }
    const per = await rows<{
      id: string;
      balance: number;
      returned: number;
      refunds: number;
      deducted: number;
      late: number;
      after_expiry: number;
    }>(
      handle.db,
      sql`SELECT c.id, c.balance_minor::int AS balance,
                 coalesce(sum(l.amount_minor) FILTER (WHERE l.type = 'Refund'), 0)::int AS returned,
                 count(*) FILTER (WHERE l.type = 'Refund')::int AS refunds,
                 coalesce(sum(l.amount_minor) FILTER (WHERE l.type = 'Deduction' AND l.note <> 'T07 setup'), 0)::int AS deducted,
                 count(*) FILTER (WHERE l.type = 'Deduction' AND l.created_at >= c.expires_at)::int AS late,
                 count(*) FILTER (WHERE l.type = 'Refund' AND l.created_at >= c.expires_at)::int AS after_expiry
            FROM coupons c JOIN coupon_ledger l ON l.coupon_id = c.id
           WHERE c.id LIKE 'CP-T07R-%' GROUP BY c.id, c.balance_minor`,
    );
    expect(per, `seed ${seed}`).toHaveLength(REPS);
    for (const v of per) {
      expect({ id: v.id, refunds: v.refunds, returned: v.returned, late: v.late }, `seed ${seed}`).toEqual({
        id: v.id,
        refunds: 1,
        returned: 1500,
        late: 0,
      });
      expect(v.balance, `seed ${seed} ${v.id}`).toBe(7000 + 1500 - v.deducted);
      expect(v.balance).toBeGreaterThanOrEqual(0);
      if (v.after_expiry > 0) counts.returnedAfterExpiry += 1;
      else counts.returnedBeforeExpiry += 1;
    }
    await assertLedgerInvariant(handle);
    console.log(`T07 refund leg (seed ${seed}): ${JSON.stringify(counts)}`);
    expect(counts.paid + counts.changed + counts.expired).toBe(REPS);
    // The interleavings that matter all happened: paid, refused after expiry, returned to an expired voucher.
    expect(counts.paid).toBeGreaterThan(0);
    expect(counts.expired).toBeGreaterThan(0);
    expect(counts.returnedAfterExpiry).toBeGreaterThan(0);
  }, 300_000);
});
