/**
 * Payment under concurrency, on a real PostgreSQL server with a pool of 20 connections
 * (PGlite is a single connection, so it cannot race). Reliability plan §(b) B1: T01 hot
 * voucher stampede, T04 double submit, T05 same order twice, T09 shared voucher.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { seededDatabase, testDatabases } from "./db";
import { callerFor, type DemoUserId } from "./helpers";
import { assertLedgerInvariant } from "./invariants";
import {
  assertOrderInvariants,
  balanceOf,
  deductionDrift,
  deductionsOf,
  insertPendingOrders,
  insertVoucher,
  newKey,
  type Outcome,
  orderRow,
  outcome,
  percentiles,
} from "./orders-helpers";

const pg = (await testDatabases()).find((d) => d.name === "postgres");

/** Typed refusals a payment may end with under contention: all 4xx, never a 5xx. */
const EXPECTED_REFUSALS = new Set([
  "UNPROCESSABLE_CONTENT/VOUCHER_NOT_APPLICABLE",
  "CONFLICT/VOUCHER_CHANGED",
  "CONFLICT/ORDER_ALREADY_PAID",
]);
const canonical = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
  );
const refusal = (o: Outcome<unknown>) => (o.ok ? "ok" : `${o.code}/${o.domainCode}`);

describe.runIf(pg)("[postgres] payment under concurrency (pool of 20)", () => {
  let base: DatabaseHandle;
  let handle: DatabaseHandle;
  const as = (id: DemoUserId) => callerFor(handle, id);

  beforeAll(async () => {
    if (!pg) return;
    base = await seededDatabase(pg);
    handle = await openDatabase({ url: base.url, poolMax: 20 });
    // Warm the pool so the calls below really start together.
    await Promise.all(Array.from({ length: 20 }, () => handle.db.execute(sql`SELECT pg_sleep(0.02)`)));
  });
  afterAll(async () => {
    if (handle) {
      await assertLedgerInvariant(handle);
      await assertOrderInvariants(handle.db);
      await handle.close();
    }
    await pg?.closeAll();
  });

  it("R-VOU-5 / T01: 200 concurrent 3.00 payments on one 100.00 voucher: exactly 33 succeed, 1.00 remains, the rest are typed 4xx", async () => {
    await insertVoucher(handle.db, { id: "CP-T01H-0001", accountId: ACCOUNTS.alice, nominalMinor: 10_000 });
    const orders = Array.from({ length: 200 }, (_, i) => ({
      id: `ORD-T01-${String(i).padStart(4, "0")}`,
      accountId: ACCOUNTS.alice,
      amountMinor: 300,
    }));
    await insertPendingOrders(handle.db, orders);
    const alice = as("u-alice");
    const latencies: number[] = [];
    const results = await Promise.all(
      orders.map(async (o) => {
        const t = performance.now();
        const r = await outcome(
          alice.orders.pay({
            orderId: o.id,
            couponId: "CP-T01H-0001",
            expectedDeductionMinor: 300,
            idempotencyKey: newKey(),
          }),
        );
        latencies.push(performance.now() - t);
        return { order: o.id, r };
      }),
    );
    const ok = results.filter((x) => x.r.ok);
    const refused = results.filter((x) => !x.r.ok);
    const byKind = new Map<string, number>();
    for (const x of refused) byKind.set(refusal(x.r), (byKind.get(refusal(x.r)) ?? 0) + 1);
    const report = {
      successes: ok.length,
      refusals: Object.fromEntries(byKind),
      remaining: await balanceOf(handle.db, "CP-T01H-0001"),
      ...percentiles(latencies),
    };
    console.info("T01", JSON.stringify(report));
    expect(ok).toHaveLength(33);
    expect(refused).toHaveLength(167);
    for (const x of refused)
      expect(EXPECTED_REFUSALS.has(refusal(x.r)), `${refusal(x.r)}: ${!x.r.ok && x.r.message}`).toBe(true);
    expect(report.remaining).toBe(100);
    for (const x of ok) {
      expect(x.r.ok && x.r.value).toMatchObject({ voucherMinor: 300, cashMinor: 0 });
      const ds = await deductionsOf(handle.db, x.order);
      expect(ds).toHaveLength(1);
      expect(ds[0]?.amount_minor).toBe(300);
    }
    for (const x of refused) {
      expect(await deductionsOf(handle.db, x.order)).toEqual([]);
      expect((await orderRow(handle.db, x.order))?.status).toBe("Pending Payment");
    }
    // Σ deducted ≤ the original balance, and the ledger is exact (drift 0).
    const [sum] = await rows<{ s: string }>(
      handle.db,
      sql`SELECT sum(amount_minor)::text AS s FROM coupon_ledger WHERE coupon_id = 'CP-T01H-0001' AND type = 'Deduction'`,
    );
    expect(Number(sum?.s)).toBe(9_900);
    expect((await deductionDrift(handle.db, ["CP-T01H-0001"])).get("CP-T01H-0001")).toBe(0);
    // The running balance written on each ledger row is a strict sequence 9700, 9400, ..., 100.
    const afters = await rows<{ b: string }>(
      handle.db,
      sql`SELECT balance_after_minor::text AS b FROM coupon_ledger
           WHERE coupon_id = 'CP-T01H-0001' AND type = 'Deduction' ORDER BY balance_after_minor DESC`,
    );
    expect(afters.map((r) => Number(r.b))).toEqual(Array.from({ length: 33 }, (_, i) => 9_700 - 300 * i));
    await assertLedgerInvariant(handle);
  });

  it("R-MATCH-7 / T04: 50 concurrent confirmations with the same key, then 50 more: one deduction, one identical answer", async () => {
    await insertVoucher(handle.db, { id: "CP-T04K-0001", accountId: ACCOUNTS.alice, nominalMinor: 5_000 });
    await insertPendingOrders(handle.db, [
      { id: "ORD-T04-0001", accountId: ACCOUNTS.alice, amountMinor: 1_234 },
    ]);
    const alice = as("u-alice");
    const input = {
      orderId: "ORD-T04-0001",
      couponId: "CP-T04K-0001",
      expectedDeductionMinor: 1_234,
      idempotencyKey: newKey(),
    };
    const first = await Promise.all(Array.from({ length: 50 }, () => outcome(alice.orders.pay(input))));
    const second = await Promise.all(Array.from({ length: 50 }, () => outcome(alice.orders.pay(input))));
    const all = [...first, ...second];
    const failures = all.filter((o) => !o.ok).map(refusal);
    // A concurrent duplicate waits for the first to commit and then reads its stored answer.
    expect(failures).toEqual([]);
    // Compared with sorted keys: a replay is read back from jsonb, which does not keep key order.
    const bodies = new Set(all.map((o) => canonical(o.ok ? o.value : null)));
    expect(bodies.size).toBe(1);
    expect(first[0]?.ok && first[0].value).toMatchObject({
      status: "Paid",
      voucherMinor: 1_234,
      cashMinor: 0,
    });
    expect(await deductionsOf(handle.db, "ORD-T04-0001")).toHaveLength(1);
    expect(await balanceOf(handle.db, "CP-T04K-0001")).toBe(5_000 - 1_234);
  });

  it("R-MATCH-7 / T05: two keys for one order, or two vouchers on one order, concurrently: exactly one payment, the other ORDER_ALREADY_PAID", async () => {
    await insertVoucher(handle.db, { id: "CP-T05A-0001", accountId: ACCOUNTS.alice, nominalMinor: 100_000 });
    await insertVoucher(handle.db, { id: "CP-T05B-0001", accountId: ACCOUNTS.alice, nominalMinor: 100_000 });
    const rounds = 25;
    const orders = Array.from({ length: rounds * 2 }, (_, i) => ({
      id: `ORD-T05-${String(i).padStart(4, "0")}`,
      accountId: ACCOUNTS.alice,
      amountMinor: 500,
    }));
    await insertPendingOrders(handle.db, orders);
    const alice = as("u-alice");
    const pay = (orderId: string, couponId: string | null) =>
      outcome(
        alice.orders.pay({
          orderId,
          couponId,
          expectedDeductionMinor: couponId ? 500 : 0,
          idempotencyKey: newKey(),
        }),
      );
    const matrix = new Map<string, number>();
    for (let i = 0; i < rounds; i++) {
      const sameVoucher = orders[2 * i]?.id as string;
      const twoVouchers = orders[2 * i + 1]?.id as string;
      const results = await Promise.all([
        pay(sameVoucher, "CP-T05A-0001"),
        pay(sameVoucher, "CP-T05A-0001"),
        pay(twoVouchers, "CP-T05A-0001"),
        pay(twoVouchers, "CP-T05B-0001"),
        pay(twoVouchers, null),
      ]);
      for (const [orderId, rs] of [
        [sameVoucher, results.slice(0, 2)],
        [twoVouchers, results.slice(2)],
      ] as const) {
        const kinds = rs.map(refusal).sort();
        matrix.set(kinds.join(" + "), (matrix.get(kinds.join(" + ")) ?? 0) + 1);
        expect(kinds.filter((k) => k === "ok")).toHaveLength(1);
        expect(kinds.filter((k) => k !== "ok").every((k) => k === "CONFLICT/ORDER_ALREADY_PAID")).toBe(true);
        const o = await orderRow(handle.db, orderId);
        const winner = rs.find((r) => r.ok);
        expect(o).toMatchObject({
          status: "Paid",
          coupon_id: winner?.ok ? winner.value.couponId : undefined,
        });
        expect(await deductionsOf(handle.db, orderId)).toHaveLength(o?.coupon_id ? 1 : 0);
      }
    }
    console.info("T05 outcomes", JSON.stringify(Object.fromEntries(matrix)));
    const drift = await deductionDrift(handle.db, ["CP-T05A-0001", "CP-T05B-0001"]);
    expect([...drift.values()]).toEqual([0, 0]);
  });

  it("R-VOU-5 / T09: a shared voucher spent concurrently by Bob and Carol: drift 0, each deduction attributed to the payer; Dave is refused", async () => {
    await insertVoucher(handle.db, {
      id: "CP-T09S-0001",
      accountId: ACCOUNTS.acme,
      nominalMinor: 20_000,
      sharedWith: [ACCOUNTS.bob, ACCOUNTS.carol],
    });
    // Amounts from a fixed sequence: 0.01 .. 10.00; together far more than 200.00.
    let s = 9;
    const amount = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return 1 + (s % 1_000);
    };
    const members: { user: DemoUserId; account: string }[] = [
      { user: "u-bob", account: ACCOUNTS.bob },
      { user: "u-carol", account: ACCOUNTS.carol },
      { user: "u-dave", account: ACCOUNTS.dave },
    ];
    const orders = members.flatMap((m) =>
      Array.from({ length: 60 }, (_, i) => ({
        id: `ORD-T09-${m.user.slice(2, 5).toUpperCase()}-${String(i).padStart(3, "0")}`,
        accountId: m.account,
        amountMinor: amount(),
        user: m.user,
      })),
    );
    await insertPendingOrders(handle.db, orders);
    // Interleave the members' calls.
    const shuffled = [...orders].sort((a, b) =>
      (a.id.slice(-3) + a.user).localeCompare(b.id.slice(-3) + b.user),
    );
    const results = await Promise.all(
      shuffled.map(async (o) => ({
        o,
        r: await outcome(
          as(o.user).orders.pay({
            orderId: o.id,
            couponId: "CP-T09S-0001",
            expectedDeductionMinor: o.amountMinor,
            idempotencyKey: newKey(),
          }),
        ),
      })),
    );
    const ok = results.filter((x) => x.r.ok);
    for (const x of results) {
      if (x.o.user === "u-dave") expect(refusal(x.r)).toBe("NOT_FOUND/NOT_FOUND");
      else if (!x.r.ok) expect(EXPECTED_REFUSALS.has(refusal(x.r)), refusal(x.r)).toBe(true);
    }
    expect(ok.length).toBeGreaterThan(10);
    const spent = ok.reduce((a, x) => a + x.o.amountMinor, 0);
    expect(spent).toBeLessThanOrEqual(20_000);
    expect(await balanceOf(handle.db, "CP-T09S-0001")).toBe(20_000 - spent);
    expect((await deductionDrift(handle.db, ["CP-T09S-0001"])).get("CP-T09S-0001")).toBe(0);
    const byAccount = await rows<{ account_id: string; s: string; n: string }>(
      handle.db,
      sql`SELECT l.account_id, sum(l.amount_minor)::text AS s, count(*)::text AS n
            FROM coupon_ledger l JOIN orders o ON o.id = l.order_id
           WHERE l.coupon_id = 'CP-T09S-0001' AND l.type = 'Deduction' AND l.account_id = o.account_id
           GROUP BY l.account_id ORDER BY l.account_id`,
    );
    const expected = new Map<string, number>();
    for (const x of ok) expected.set(x.o.accountId, (expected.get(x.o.accountId) ?? 0) + x.o.amountMinor);
    expect(Object.fromEntries(byAccount.map((r) => [r.account_id, Number(r.s)]))).toEqual(
      Object.fromEntries(expected),
    );
    expect(byAccount.reduce((a, r) => a + Number(r.n), 0)).toBe(ok.length);
    expect(expected.has(ACCOUNTS.bob) && expected.has(ACCOUNTS.carol)).toBe(true);
    console.info(
      "T09",
      JSON.stringify({
        accepted: ok.length,
        refused: results.length - ok.length,
        spent,
        byAccount: Object.fromEntries(expected),
      }),
    );
    await assertLedgerInvariant(handle);
  });
});
