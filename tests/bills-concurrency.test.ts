/**
 * R-PAYG-1 under concurrency and crashes (reliability plan T10), on PostgreSQL (PGlite is one
 * connection: nothing can race there). Two closers at once, a close racing payments from the same
 * vouchers (1,000 randomized repetitions, seed printed), and a closer process killed with SIGKILL
 * half-way and run again: every line deducted once, drift 0, no negative balance.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { prng } from "@/db/seed";
import type { MatchVoucher } from "@/server/orders/rules";
import { closeBillOracle } from "@/server/bills/rules";
import { closeBill } from "@/server/bills/service";
import { DomainError } from "@/server/errors";
import { payOrder } from "@/server/orders/service";
import { assertBillInvariants, insertBill } from "./bills-helpers";
import { seededDatabase, testDatabases } from "./db";
import { assertLedgerInvariant } from "./invariants";
import {
  assertOrderInvariants,
  candidateVouchers,
  excludedProducts,
  insertPendingOrders,
  newKey,
} from "./orders-helpers";

const postgres = (await testDatabases()).find((d) => d.name === "postgres");

/** A domain call's success, or its DomainError's code (anything else fails the test). */
async function settle(call: Promise<unknown>) {
  try {
    return { ok: true as const, value: await call };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return { ok: false as const, domainCode: e.code as string, message: e.message };
  }
}

async function insertVouchers(
  db: DatabaseHandle["db"],
  list: { id: string; accountId: string; balance: number; commodities?: string[] }[],
) {
  if (list.length === 0) return;
  const values = sql.join(
    list.map(
      (v, i) =>
        sql`(${v.id}, ${v.accountId}, 'USD', ${v.balance}, ${v.balance}, ${`{${(v.commodities ?? []).join(",")}}`}::text[],
             timestamptz '2025-01-01 00:00:00+00', now() + interval '60 days',
             timestamptz '2024-12-01 00:00:00+00' + make_interval(secs => ${i}), 'race')`,
    ),
    sql`, `,
  );
  await db.execute(sql`INSERT INTO coupons (id, account_id, currency, nominal_minor, balance_minor, commodities,
                                            effective_from, expires_at, issued_at, description) VALUES ${values}`);
  await db.execute(sql`INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, created_at)
                       SELECT id, account_id, 'Issuance', nominal_minor, nominal_minor, issued_at FROM coupons
                        WHERE id IN ${list.map((v) => v.id)}`);
}

async function insertAccounts(db: DatabaseHandle["db"], ids: string[]) {
  for (let i = 0; i < ids.length; i += 500) {
    const values = sql.join(
      ids.slice(i, i + 500).map((id) => sql`(${id}, 'Race ' || ${id})`),
      sql`, `,
    );
    await db.execute(sql`INSERT INTO accounts (id, name) VALUES ${values}`);
  }
}

/** Nominal − balance − Σ deductions for every voucher: 0 when nothing was lost or doubled. */
async function drift(db: DatabaseHandle["db"], like: string) {
  const [r] = await rows<{ bad: string; negative: string }>(
    db,
    sql`SELECT count(*) FILTER (WHERE c.nominal_minor - c.balance_minor <> coalesce(d.s, 0))::text AS bad,
               count(*) FILTER (WHERE c.balance_minor < 0)::text AS negative
          FROM coupons c LEFT JOIN (SELECT coupon_id, sum(amount_minor) AS s FROM coupon_ledger
                                     WHERE type = 'Deduction' GROUP BY coupon_id) d ON d.coupon_id = c.id
         WHERE c.id LIKE ${like}`,
  );
  return { drifted: Number(r?.bad), negative: Number(r?.negative) };
}

describe.skipIf(!postgres)(
  "[postgres] pay-as-you-go bills under concurrency and crashes (R-PAYG-1, T10)",
  () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await seededDatabase(postgres as NonNullable<typeof postgres>);
    }, 120_000);
    afterAll(async () => {
      await postgres?.closeAll();
    });

    it("R-PAYG-1: two closers at once close each bill once; a close racing payments from the same vouchers never drives one negative (1,000 randomized repetitions)", async () => {
      const db = handle.db;
      const seed = Number(process.env.RACE_SEED ?? Date.now() % 1_000_000);
      console.info(`R-PAYG-1 race seed ${seed}`);
      const rand = prng(seed);
      const REPS = Number(process.env.BILL_RACE_REPS ?? 1000);
      const accounts = Array.from({ length: REPS }, (_, i) => `57${String(i).padStart(14, "0")}`);
      await insertAccounts(db, accounts);
      let paid = 0;
      let refused = 0;
      let closedTwice = 0;
      for (let i = 0; i < REPS; i++) {
        const me = accounts[i] as string;
        const nv = 1 + Math.floor(rand() * 3);
        const vouchers = Array.from({ length: nv }, (_, j) => ({
          id: `RV-${i}-${j}`,
          accountId: me,
          balance: 1 + Math.floor(rand() * 5_000),
          commodities: rand() < 0.3 ? ["ecs"] : [],
        }));
        await insertVouchers(db, vouchers);
        const billId = `BILL-RACE-${i}`;
        const nl = 1 + Math.floor(rand() * 6);
        await insertBill(
          db,
          { id: billId, accountId: me, cycle: "2026-01" },
          Array.from({ length: nl }, (_, k) => ({
            id: `${billId}-L${k}`,
            productCode: rand() < 0.5 ? "ecs" : "oss",
            amountMinor: 1 + Math.floor(rand() * 3_000),
            usageAt: new Date(Date.UTC(2026, 0, 3, k)).toISOString(),
          })),
        );
        const no = 1 + Math.floor(rand() * 3);
        const orders = Array.from({ length: no }, (_, k) => ({
          id: `ORD-RACE-${i}-${k}`,
          accountId: me,
          amountMinor: 1 + Math.floor(rand() * 4_000),
        }));
        await insertPendingOrders(db, orders);
        const actor = { userId: "u-operator", accountId: me };
        const calls: (() => Promise<unknown>)[] = [
          () => closeBill(db, null, billId),
          ...(rand() < 0.3 ? [() => closeBill(db, null, billId)] : []),
          ...orders.map((o) => {
            const v = vouchers[Math.floor(rand() * nv)] as (typeof vouchers)[number];
            return () =>
              payOrder(db, actor, {
                orderId: o.id,
                couponId: v.id,
                // What the page showed before the race: the voucher's balance then.
                expectedDeductionMinor: Math.min(v.balance, o.amountMinor),
                idempotencyKey: newKey(),
              });
          }),
        ];
        calls.sort(() => rand() - 0.5);
        const results = await Promise.all(calls.map((c) => settle(c())));
        for (const r of results) {
          if (r.ok && r.value && typeof r.value === "object" && "orderId" in r.value) paid += 1;
          else if (r.ok && r.value && typeof r.value === "object" && "alreadyClosed" in r.value) {
            if ((r.value as { alreadyClosed: boolean }).alreadyClosed) closedTwice += 1;
          } else if (!r.ok) {
            refused += 1;
            // Only the answers a lost race may give: the voucher changed, or it is used up now.
            expect(["VOUCHER_CHANGED", "VOUCHER_NOT_APPLICABLE"], r.message).toContain(r.domainCode);
          }
        }
      }
      console.info(
        `R-PAYG-1 race: ${REPS} bills, ${paid} payments with vouchers, ${refused} refused, ${closedTwice} second closes`,
      );
      expect(paid).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
      const [open] = await rows<{ n: string }>(
        db,
        sql`SELECT count(*)::text AS n FROM bills WHERE id LIKE 'BILL-RACE-%' AND status = 'Open'`,
      );
      expect(open?.n).toBe("0");
      expect(await drift(db, "RV-%")).toEqual({ drifted: 0, negative: 0 });
      await assertBillInvariants(db);
      await assertOrderInvariants(db);
      await assertLedgerInvariant(db);
    }, 600_000);

    it("T10 R-PAYG-1: a closer killed with SIGKILL half-way, three times, then run to the end: each line deducted once, the totals equal the oracle's, drift 0", async () => {
      const db = handle.db;
      const ACCOUNTS_N = 300;
      const LINES = 40;
      const cycle = "2026-02";
      const accounts = Array.from({ length: ACCOUNTS_N }, (_, i) => `56${String(i).padStart(14, "0")}`);
      await insertAccounts(db, accounts);
      const rand = prng(1010);
      const vouchers = accounts.flatMap((a, i) =>
        Array.from({ length: 3 }, (_, j) => ({
          id: `KV-${String(i).padStart(4, "0")}-${j}`,
          accountId: a,
          balance: 500 + Math.floor(rand() * 40_000),
          commodities: j === 2 ? ["oss"] : [],
        })),
      );
      for (let i = 0; i < vouchers.length; i += 300) await insertVouchers(db, vouchers.slice(i, i + 300));
      const inputs = new Map<
        string,
        {
          accountId: string;
          lines: { id: string; productCode: string; amountMinor: number; usageAt: Date }[];
        }
      >();
      for (const [i, a] of accounts.entries()) {
        const billId = `BILL-KILL-${String(i).padStart(4, "0")}`;
        const lines = Array.from({ length: LINES }, (_, k) => ({
          id: `${billId}-L${String(k).padStart(3, "0")}`,
          productCode: k % 3 === 0 ? "oss" : "ecs",
          amountMinor: 1 + Math.floor(rand() * 2_000),
          usageAt: new Date(Date.UTC(2026, 1, 1, k)),
        }));
        inputs.set(billId, { accountId: a, lines });
        await insertBill(
          db,
          { id: billId, accountId: a, cycle },
          lines.map((l) => ({ ...l, usageAt: l.usageAt.toISOString() })),
        );
      }
      // The oracle's inputs: every account's vouchers before any close.
      const before = new Map<string, MatchVoucher[]>();
      for (const a of accounts) before.set(a, (await candidateVouchers(db, a)).vouchers);
      const excluded = await excludedProducts(db);

      const closedCount = async () =>
        Number(
          (
            await rows<{ n: string }>(
              db,
              sql`SELECT count(*)::text AS n FROM bills WHERE cycle = ${cycle} AND status = 'Closed'`,
            )
          )[0]?.n,
        );
      const run = (killAt: number | null) =>
        new Promise<{ killed: boolean; code: number | null }>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            ["--import", "tsx", path.join("scripts", "close-cycle.ts"), cycle],
            {
              env: { ...process.env, DATABASE_URL: handle.url as string, SEED_DEMO: "false" },
              stdio: ["ignore", "pipe", "pipe"],
            },
          );
          let killed = false;
          let err = "";
          child.stderr.on("data", (d) => {
            err += d;
          });
          const poll = setInterval(async () => {
            if (killAt !== null && !killed && (await closedCount()) >= killAt) {
              killed = child.kill("SIGKILL");
            }
          }, 15);
          child.on("error", reject);
          child.on("exit", (code) => {
            clearInterval(poll);
            if (!killed && code !== 0) reject(new Error(`closer exited ${code}: ${err}`));
            else resolve({ killed, code });
          });
        });
      const kills: number[] = [];
      for (const at of [20, 110, 210]) {
        const r = await run(at);
        const n = await closedCount();
        if (r.killed) kills.push(n);
        expect(n).toBeLessThanOrEqual(ACCOUNTS_N);
      }
      const final = await run(null);
      expect(final.code).toBe(0);
      console.info(`T10: killed at ${kills.join(", ")} closed bills of ${ACCOUNTS_N}; final run completed`);
      expect(kills.length).toBeGreaterThan(0);
      expect(await closedCount()).toBe(ACCOUNTS_N);

      // Each bill as the oracle closes it from the same inputs.
      const drawn = await rows<{ bill: string; line: string; coupon: string; amount: string }>(
        db,
        sql`SELECT bill_id AS bill, bill_line_id AS line, coupon_id AS coupon, amount_minor::text AS amount
            FROM coupon_ledger WHERE bill_id LIKE 'BILL-KILL-%' AND type = 'Deduction' ORDER BY id`,
      );
      const byBill = new Map<string, [string, string, number][]>();
      for (const d of drawn)
        byBill.set(d.bill, [...(byBill.get(d.bill) ?? []), [d.line, d.coupon, Number(d.amount)]]);
      const closedAt = new Map(
        (
          await rows<{ id: string; at: string }>(
            db,
            sql`SELECT id, closed_at::text AS at FROM bills WHERE cycle = ${cycle}`,
          )
        ).map((r) => [r.id, r.at]),
      );
      let total = 0;
      for (const [billId, input] of inputs) {
        const expected = closeBillOracle(
          input.accountId,
          "USD",
          input.lines,
          before.get(input.accountId) ?? [],
          new Date(String(closedAt.get(billId)).replace(" ", "T").replace(/\+00$/, "Z")),
          excluded,
        );
        expect(byBill.get(billId) ?? [], billId).toEqual(expected.deductions);
        total += expected.deductions.reduce((s, d) => s + d[2], 0);
      }
      expect(total).toBeGreaterThan(0);
      expect(await drift(db, "KV-%")).toEqual({ drifted: 0, negative: 0 });
      await assertBillInvariants(db);
      await assertLedgerInvariant(db);
    }, 600_000);
  },
);
