/**
 * R-REL-1: the database pool heals. PostgreSQL terminates the app's connections while payments
 * (one statement) and refunds (a multi-statement transaction) are open and waiting on a voucher
 * row lock, as a failover or an administrator's pg_terminate_backend would. 20 rounds; after each:
 * every call that was in flight settles within 2 s, every retry with the same idempotency key
 * answers within 2 s and lands exactly once, fresh calls on every pooled connection answer within
 * 2 s with their own result (never an old connection's error), and at the end no connection is
 * stuck and the ledgers show no drift. PostgreSQL only: PGlite has no connections to lose.
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { seededDatabase, testDatabases } from "../db";
import { callerFor, errorText } from "../helpers";
import { assertLedgerInvariant } from "../invariants";
import {
  assertOrderInvariants,
  insertPendingOrders,
  insertVoucher,
  newKey,
  outcome,
} from "../orders-helpers";

const drivers = (await testDatabases()).filter((d) => d.name === "postgres");
const ROUNDS = 20;
const POOL = 10;
const LIMIT_MS = 2_000;

/** Resolves with the call's outcome and how long it took; rejects when it takes longer than `ms`. */
async function within<T>(ms: number, label: string, call: () => Promise<T>) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms (stuck)`)), ms);
  });
  try {
    const o = await Promise.race([
      call().then(
        (value) => ({ ok: true as const, value }),
        (e: unknown) => ({ ok: false as const, message: errorText(e) }),
      ),
      timeout,
    ]);
    return { ...o, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(drivers.length === 0)(
  "[postgres] R-REL-1 the pool heals after its connections are terminated",
  () => {
    let seeded: DatabaseHandle;
    let app: DatabaseHandle;
    let admin: postgres.Sql;
    let dbName: string;

    beforeAll(async () => {
      const driver = drivers[0];
      if (!driver) return;
      seeded = await seededDatabase(driver);
      dbName = new URL(seeded.url ?? "").pathname.slice(1);
      // The app's pool as `npm start` opens it (10 connections), on the seeded database.
      app = await openDatabase({ url: seeded.url, poolMax: POOL });
      admin = postgres(seeded.url ?? "", { max: 3, onnotice: () => {} });
    });
    afterAll(async () => {
      await app?.close().catch(() => {});
      await admin?.end({ timeout: 5 }).catch(() => {});
      await drivers[0]?.closeAll();
    });

    it(`R-REL-1: ${ROUNDS} rounds of terminated backends during open payments and refunds: every later call answers within 2 s, 0 stuck, drift 0`, async () => {
      const alice = () => callerFor(app, "u-alice");
      let paidCount = 0;
      let refundedMinor = 0;
      const slowest = { inflight: 0, retry: 0, fresh: 0 };
      const failedCleanly = { answered: 0, unavailable: 0 };

      for (let round = 0; round < ROUNDS; round++) {
        const couponId = `CP-HEAL-${String(round).padStart(3, "0")}`;
        await insertVoucher(seeded.db, { id: couponId, accountId: ACCOUNTS.alice, nominalMinor: 100_000 });
        const pay = Array.from({ length: 6 }, (_, i) => ({
          id: `ORD-HEAL-${round}-${i}`,
          accountId: ACCOUNTS.alice,
          amountMinor: 1_000,
        }));
        // Two paid orders to refund (an order is unsubscribed once, decision 010).
        const toRefund = [`ORD-HEAL-${round}-R1`, `ORD-HEAL-${round}-R2`];
        await insertPendingOrders(seeded.db, [
          ...pay,
          ...toRefund.map((id) => ({ id, accountId: ACCOUNTS.alice, amountMinor: 4_000 })),
        ]);
        for (const orderId of toRefund) {
          const first = await within(LIMIT_MS, `round ${round}: payment of ${orderId}`, () =>
            alice().orders.pay({
              orderId,
              couponId,
              expectedDeductionMinor: 4_000,
              idempotencyKey: newKey("heal"),
            }),
          );
          expect(first.ok && first.value.status, first.ok ? "" : `payment: ${first.message}`).toBe("Paid");
          paidCount += 1;
        }

        // An administrator holds the voucher's row lock, so the calls below wait inside their
        // transactions (a refund has already claimed its key and locked the order).
        const lock = await admin.reserve();
        await lock`BEGIN`;
        await lock`SELECT 1 FROM coupons WHERE id = ${couponId} FOR UPDATE`;
        const payCalls = pay.map((o) => ({
          input: {
            orderId: o.id,
            couponId,
            expectedDeductionMinor: 1_000,
            idempotencyKey: newKey("heal-pay"),
          },
        }));
        const refundCalls = toRefund.map((orderId) => ({
          input: { orderId, amount: "10.00", idempotencyKey: newKey("heal-ref") },
        }));
        const inflight = [
          ...payCalls.map((c) => outcome(alice().orders.pay(c.input))),
          ...refundCalls.map((c) => outcome(alice().orders.refund(c.input))),
        ];
        // Wait until they are all inside PostgreSQL, blocked on the lock.
        const lockPid = (await lock<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]?.pid;
        for (let i = 0; i < 200; i++) {
          const [w] = await admin<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = ${dbName} AND wait_event_type = 'Lock' AND pid <> ${lockPid ?? 0}`;
          if ((w?.n ?? 0) >= inflight.length) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        // Terminate every connection of the app (busy and idle), then let the lock go.
        const terminated = (
          await admin<{ pid: number }[]>`
        SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = ${dbName} AND pid <> pg_backend_pid() AND pid <> ${lockPid ?? 0}`
        ).map((r) => r.pid);
        await lock`ROLLBACK`;
        lock.release();

        // Every call that was in flight settles (answer or clean error) within 2 s.
        const settled = await within(LIMIT_MS, `round ${round}: in-flight calls`, () =>
          Promise.all(inflight),
        );
        expect(settled.ok, settled.ok ? "" : settled.message).toBe(true);
        // Those that failed failed cleanly: 503 "briefly unavailable", safe to retry (never a 500).
        for (const o of settled.ok ? settled.value : []) {
          if (!o.ok)
            expect({ code: o.code, domainCode: o.domainCode }, o.message).toEqual({
              code: "SERVICE_UNAVAILABLE",
              domainCode: "DATABASE_UNAVAILABLE",
            });
          else failedCleanly.answered += 1;
          if (!o.ok) failedCleanly.unavailable += 1;
        }
        slowest.inflight = Math.max(slowest.inflight, settled.ms);

        // The failover is over once the terminated backends have exited. pg_terminate_backend only
        // signals them: under load one may still be alive here, and a request that takes its idle
        // connection before it goes would be answered 503 (correctly, and safe to retry). Retries
        // below start after that, as a client's backoff would.
        for (let i = 0; i < 200; i++) {
          const [left] = await admin<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY(${terminated}::int[])`;
          if ((left?.n ?? 0) === 0) break;
          await new Promise((r) => setTimeout(r, 10));
        }

        // Retrying every key answers within 2 s and lands exactly once.
        for (const c of payCalls) {
          const r = await within(LIMIT_MS, `round ${round}: retry pay ${c.input.orderId}`, () =>
            alice().orders.pay(c.input),
          );
          slowest.retry = Math.max(slowest.retry, r.ms);
          expect(r.ok, r.ok ? "" : `retry pay ${c.input.orderId}: ${r.message}`).toBe(true);
          paidCount += 1;
        }
        for (const c of refundCalls) {
          const r = await within(LIMIT_MS, `round ${round}: retry refund`, () =>
            alice().orders.refund(c.input),
          );
          slowest.retry = Math.max(slowest.retry, r.ms);
          expect(r.ok, r.ok ? "" : `retry refund: ${r.message}`).toBe(true);
          refundedMinor += 1_000;
        }

        // Fresh calls on every pooled connection at once answer within 2 s with their own result.
        const fresh = await within(LIMIT_MS, `round ${round}: fresh calls`, () =>
          Promise.all(
            Array.from({ length: POOL * 2 }, (_, i) =>
              i % 2 === 0
                ? alice().coupons.list({ limit: 5 })
                : alice().orders.refundPreview({ orderId: `ORD-HEAL-${round}-0`, amount: "1.00" }),
            ),
          ),
        );
        expect(fresh.ok, fresh.ok ? "" : `fresh calls: ${fresh.message}`).toBe(true);
        slowest.fresh = Math.max(slowest.fresh, fresh.ms);
      }

      // Exactly once: each order paid once, each refund key applied once.
      const [counts] = await rows<{ paid: number; deductions: number; refunds: number; refunded: number }>(
        seeded.db,
        sql`SELECT (SELECT count(*)::int FROM orders WHERE id LIKE 'ORD-HEAL-%' AND status <> 'Pending Payment') AS paid,
                 (SELECT count(*)::int FROM coupon_ledger WHERE coupon_id LIKE 'CP-HEAL-%' AND type = 'Deduction') AS deductions,
                 (SELECT count(*)::int FROM refunds WHERE order_id LIKE 'ORD-HEAL-%') AS refunds,
                 (SELECT coalesce(sum(amount_minor), 0)::int FROM refunds WHERE order_id LIKE 'ORD-HEAL-%') AS refunded`,
      );
      expect(counts).toEqual({
        paid: paidCount,
        deductions: paidCount,
        refunds: ROUNDS * 2,
        refunded: refundedMinor,
      });

      // No stuck connection: nothing left open in a transaction, and 3× the pool answers at once.
      const stuck = await admin<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${dbName} AND state LIKE 'idle in transaction%'`;
      expect(stuck[0]?.n).toBe(0);
      const all = await within(LIMIT_MS, "after all rounds", () =>
        Promise.all(Array.from({ length: POOL * 3 }, () => app.db.execute(sql`SELECT 1`))),
      );
      expect(all.ok).toBe(true);
      await assertLedgerInvariant(app);
      await assertOrderInvariants(app.db);
      console.log(
        `R-REL-1: ${ROUNDS} rounds; slowest in-flight settle ${slowest.inflight.toFixed(0)} ms, ` +
          `retry ${slowest.retry.toFixed(0)} ms, ${POOL * 2} fresh calls ${slowest.fresh.toFixed(0)} ms; ` +
          `in-flight calls: ${failedCleanly.unavailable} answered 503 DATABASE_UNAVAILABLE, ${failedCleanly.answered} succeeded`,
      );
    });
  },
);
