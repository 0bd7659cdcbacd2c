/**
 * T06 of the reliability plan (R-POOL-4, R-VOU-5): Reclaim racing concurrent member payments on
 * a shared pool voucher, on real PostgreSQL through the tRPC callers, repeated. Every run must
 * conserve money exactly: Σ paid from the voucher + reclaimed = nominal, the reclaim never takes
 * more than remained, it happens once, and no payment lands after the reclaim commits.
 */
import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { seededDatabase, testDatabases } from "./db";
import { assertPoolConservation, generateArgs, key } from "./enterprise-helpers";
import { callerFor } from "./helpers";
import { assertLedgerInvariant } from "./invariants";

const drivers = (await testDatabases()).filter((d) => d.name === "postgres");
const RUNS = Number(process.env.T06_RUNS ?? 100);
const PAYMENTS = 16; // 8 by Bob, 8 by Carol
const NOMINAL = 600; // 6.00: room for 12 payments of 0.50, so some also find it used up
const EACH = 50;

describe.skipIf(drivers.length === 0).each(drivers.map((d) => [d.name, d] as const))(
  "[%s] T06: reclaim races shared-voucher payments",
  (_name, driver) => {
    let seeded: DatabaseHandle;
    let handle: DatabaseHandle;

    beforeAll(async () => {
      seeded = await seededDatabase(driver);
      if (!seeded.url) throw new Error("PostgreSQL handle without a URL");
      handle = await openDatabase({ url: seeded.url, poolMax: 20 });
    });
    afterAll(async () => {
      await handle?.close();
      await driver.closeAll();
    });

    it(`R-POOL-4 R-POOL-3: ${RUNS} runs of ${PAYMENTS} concurrent payments by Bob and Carol against one reclaim — drift 0`, async () => {
      const admin = callerFor(handle, "u-acme-admin");
      let drift = 0;
      const outcomes: Record<string, number> = {};
      for (let run = 0; run < RUNS; run++) {
        const { ids } = await admin.quotaPool.generate(
          generateArgs({ amount: "6.00", assignTo: [ACCOUNTS.bob, ACCOUNTS.carol] }),
        );
        const id = ids[0] ?? "";
        const payers = Array.from({ length: PAYMENTS }, (_, i): "u-bob" | "u-carol" =>
          i % 2 === 0 ? "u-bob" : "u-carol",
        );
        const orders = await Promise.all(
          payers.map(async (u) => {
            const o = await callerFor(handle, u).orders.create({
              productCode: "ecs",
              paymentType: "Subscription",
              transactionType: "New Purchase",
              amount: "0.50",
            });
            return { user: u, orderId: o.id };
          }),
        );
        const pay = ({ user, orderId }: { user: "u-bob" | "u-carol"; orderId: string }) =>
          callerFor(handle, user)
            .orders.pay({ orderId, couponId: id, expectedDeductionMinor: EACH, idempotencyKey: key() })
            .then(
              () => "paid",
              (e: unknown) => {
                if (!(e instanceof TRPCError) || e.code === "INTERNAL_SERVER_ERROR") throw e;
                return e.code;
              },
            );
        // The reclaim starts somewhere in the middle of the stream of payments.
        const delay = (run * 7) % 12;
        const paying = orders.map(pay);
        const reclaiming = new Promise<number>((resolve, reject) =>
          setTimeout(() => {
            admin.quotaPool
              .reclaim({ couponId: id, idempotencyKey: key() })
              .then((r) => resolve(r.reclaimedMinor), reject);
          }, delay),
        );
        const [results, reclaimed] = await Promise.all([Promise.all(paying), reclaiming]);
        for (const r of results) outcomes[r] = (outcomes[r] ?? 0) + 1;
        const paid = results.filter((r) => r === "paid").length;

        // After the reclaim committed, nobody can pay with the voucher.
        const late = await Promise.all(
          (
            await Promise.all(
              (["u-bob", "u-carol"] as const).map(async (u) => ({
                user: u,
                orderId: (
                  await callerFor(handle, u).orders.create({
                    productCode: "ecs",
                    paymentType: "Subscription",
                    transactionType: "New Purchase",
                    amount: "0.50",
                  })
                ).id,
              })),
            )
          ).map(pay),
        );
        expect(late.every((r) => r !== "paid")).toBe(true);

        const [v] = await rows<{
          balance: string;
          reclaimed: boolean;
          deductions: string;
          deducted: string;
          reclaims: string;
          last_deduction: string | null;
          reclaim_id: string | null;
        }>(
          handle.db,
          sql`SELECT c.balance_minor::text AS balance, c.reclaimed_at IS NOT NULL AS reclaimed,
                     (SELECT count(*) FROM coupon_ledger WHERE coupon_id = c.id AND type = 'Deduction')::text AS deductions,
                     (SELECT coalesce(sum(amount_minor), 0) FROM coupon_ledger WHERE coupon_id = c.id AND type = 'Deduction')::text AS deducted,
                     (SELECT count(*) FROM coupon_ledger WHERE coupon_id = c.id AND type = 'Reclaim')::text AS reclaims,
                     (SELECT max(id) FROM coupon_ledger WHERE coupon_id = c.id AND type = 'Deduction')::text AS last_deduction,
                     (SELECT max(id) FROM coupon_ledger WHERE coupon_id = c.id AND type = 'Reclaim')::text AS reclaim_id
              FROM coupons c WHERE c.id = ${id}`,
        );
        expect(v?.reclaimed).toBe(true);
        expect(Number(v?.balance)).toBe(0);
        expect(Number(v?.deductions)).toBe(paid);
        expect(Number(v?.deducted)).toBe(paid * EACH);
        expect(reclaimed).toBe(NOMINAL - paid * EACH); // never more than remained
        expect(Number(v?.reclaims)).toBe(reclaimed > 0 ? 1 : 0);
        // Every deduction was written before the reclaim (which held the voucher's lock until commit).
        if (v?.reclaim_id && v.last_deduction)
          expect(Number(v.last_deduction)).toBeLessThan(Number(v.reclaim_id));
        drift += NOMINAL - paid * EACH - reclaimed;
      }
      expect(drift).toBe(0);
      // Payments were refused only with clear 4xx answers (reclaimed or used up), never a 5xx.
      expect(
        Object.keys(outcomes).every((k) => ["paid", "UNPROCESSABLE_CONTENT", "CONFLICT"].includes(k)),
      ).toBe(true);
      expect(outcomes.paid ?? 0).toBeGreaterThan(0);
      console.info(`T06: ${RUNS} runs, outcomes ${JSON.stringify(outcomes)}, drift ${drift}`);
      await assertPoolConservation(handle);
      await assertLedgerInvariant(handle);
    }, 300_000);
  },
);
