/**
 * A seeded, randomized model test of payment (reliability plan T03, adapted to orders.pay):
 * 50 vouchers, 10,000 mixed operations at concurrency 20 on real PostgreSQL, then the
 * invariants and a comparison with what the clients observed.
 *
 *   ORDERS_MODEL_SEED=123 npx vitest run tests/orders-model.test.ts   # replay a seed
 *   ORDERS_MODEL_OPS=2000                                              # a shorter run
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, rows } from "@/db/client";
import { ACCOUNTS, prng } from "@/db/seed";
import type { PayResult } from "@/server/orders/service";
import { seededDatabase, testDatabases } from "./db";
import { callerFor, type DemoUserId } from "./helpers";
import { assertLedgerInvariant } from "./invariants";
import {
  assertOrderInvariants,
  deductionDrift,
  insertPendingOrders,
  insertVoucher,
  type Outcome,
  outcome,
  percentiles,
} from "./orders-helpers";

const pg = (await testDatabases()).find((d) => d.name === "postgres");

const SEED = Number(process.env.ORDERS_MODEL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPS = Number(process.env.ORDERS_MODEL_OPS ?? 10_000);
const CONCURRENCY = 20;
const VOUCHERS = 50;

type Member = { user: DemoUserId; account: string };
const MEMBERS: Member[] = [
  { user: "u-alice", account: ACCOUNTS.alice },
  { user: "u-bob", account: ACCOUNTS.bob },
  { user: "u-carol", account: ACCOUNTS.carol },
  { user: "u-dave", account: ACCOUNTS.dave },
];

type ModelVoucher = {
  id: string;
  owner: string;
  shared: string[];
  nominal: number;
  commodities: string[];
  paymentTypes: string[];
  minOrder: number;
  validity: "valid" | "expired" | "future";
};

type Op =
  | {
      kind: "pay";
      i: number;
      member: Member;
      orderId: string;
      product: string;
      amount: number;
      voucher: ModelVoucher | null;
      stale: number;
    }
  | { kind: "duplicate"; i: number; ref: number }
  | { kind: "reuseKey"; i: number; ref: number }
  | { kind: "repay"; i: number; ref: number };

type Input = {
  orderId: string;
  couponId: string | null;
  expectedDeductionMinor: number;
  idempotencyKey: string;
};
/** `startSeq`/`endSeq`: a global event counter, to tell which calls finished before others began. */
type Done = {
  op: Op;
  input: Input;
  member: Member;
  r: Outcome<PayResult>;
  ms: number;
  startSeq: number;
  endSeq: number;
};

const ALLOWED_REFUSALS = new Set([
  "NOT_FOUND/NOT_FOUND",
  "UNPROCESSABLE_CONTENT/VOUCHER_NOT_APPLICABLE",
  "CONFLICT/VOUCHER_CHANGED",
  "CONFLICT/ORDER_ALREADY_PAID",
  "UNPROCESSABLE_CONTENT/IDEMPOTENCY_KEY_REUSED",
]);
const kindOf = (r: Outcome<unknown>) => (r.ok ? "ok" : `${r.code}/${r.domainCode}`);

describe.runIf(pg)(`[postgres] randomized payment model (seed ${SEED}, ${OPS} operations)`, () => {
  let base: DatabaseHandle;
  let handle: DatabaseHandle;
  const rand = prng(SEED);
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const vouchers: ModelVoucher[] = [];
  const ops: Op[] = [];

  beforeAll(async () => {
    if (!pg) return;
    base = await seededDatabase(pg);
    handle = await openDatabase({ url: base.url, poolMax: 20 });

    const owners = [ACCOUNTS.alice, ACCOUNTS.bob, ACCOUNTS.carol, ACCOUNTS.acme];
    for (let v = 0; v < VOUCHERS; v++) {
      const owner = pick(owners);
      const shared =
        owner === ACCOUNTS.acme
          ? [ACCOUNTS.bob, ACCOUNTS.carol, ACCOUNTS.alice].filter(() => rand() < 0.6)
          : rand() < 0.15
            ? [pick(owners.filter((o) => o !== owner && o !== ACCOUNTS.acme))]
            : [];
      const size = rand();
      const u = rand();
      vouchers.push({
        id: `CP-MODL-${String(v).padStart(4, "0")}`,
        owner,
        shared,
        nominal:
          size < 0.2 ? int(1, 5_000) : size < 0.7 ? int(100_000, 5_000_000) : int(5_000_000, 20_000_000),
        commodities: rand() < 0.7 ? [] : [pick(["ecs", "oss"])],
        paymentTypes: rand() < 0.1 ? ["Pay-as-you-go"] : ["Subscription", "Pay-as-you-go"],
        minOrder: rand() < 0.8 ? 0 : int(1, 20_000),
        validity: u < 0.9 ? "valid" : u < 0.95 ? "expired" : "future",
      });
    }
    for (const v of vouchers) {
      await insertVoucher(handle.db, {
        id: v.id,
        accountId: v.owner,
        nominalMinor: v.nominal,
        commodities: v.commodities,
        paymentTypes: v.paymentTypes,
        minOrderMinor: v.minOrder,
        sharedWith: v.shared,
        ...(v.validity === "expired"
          ? { effectiveFrom: sql`now() - interval '30 days'`, expiresAt: sql`now() - interval '1 second'` }
          : v.validity === "future"
            ? { effectiveFrom: sql`now() + interval '1 day'`, expiresAt: sql`now() + interval '30 days'` }
            : {}),
      });
    }

    const orders: { id: string; accountId: string; amountMinor: number; productCode: string }[] = [];
    for (let i = 0; i < OPS; i++) {
      const x = rand();
      // Duplicates, reused keys and second payments refer to an earlier plain payment.
      const payBefore = (back: number) => {
        let j = Math.max(0, i - back);
        while (j > 0 && ops[j]?.kind !== "pay") j--;
        return j;
      };
      if (i > CONCURRENCY && x < 0.08) ops.push({ kind: "duplicate", i, ref: payBefore(int(1, 40)) });
      else if (i > CONCURRENCY && x < 0.11) ops.push({ kind: "reuseKey", i, ref: payBefore(int(1, 200)) });
      else if (i > CONCURRENCY && x < 0.14) ops.push({ kind: "repay", i, ref: payBefore(int(1, 200)) });
      else {
        const member = rand() < 0.1 ? (MEMBERS[3] as Member) : pick(MEMBERS.slice(0, 3)); // Dave owns none of them
        const a = rand();
        const amount = a < 0.6 ? int(1, 5_000) : a < 0.9 ? int(5_000, 50_000) : int(50_000, 200_000);
        const product = pick(["ecs", "ecs", "ecs", "oss", "rds", "cloud_os"]);
        const orderId = `ORD-M-${String(i).padStart(6, "0")}`;
        // Mostly a voucher the account may use, sometimes anyone's (NOT_FOUND).
        const mine = vouchers.filter((v) => v.owner === member.account || v.shared.includes(member.account));
        const vrand = rand();
        orders.push({ id: orderId, accountId: member.account, amountMinor: amount, productCode: product });
        ops.push({
          kind: "pay",
          i,
          member,
          orderId,
          product,
          amount,
          voucher: vrand < 0.15 ? null : vrand < 0.8 && mine.length > 0 ? pick(mine) : pick(vouchers),
          // A stale or wrong expectation on purpose, one time in ten.
          stale: rand() < 0.1 ? pick([-1, 1, -100, 250, -5_000]) : 0,
        });
      }
    }
    await insertPendingOrders(handle.db, orders);
    await Promise.all(Array.from({ length: 20 }, () => handle.db.execute(sql`SELECT pg_sleep(0.02)`)));
  });
  afterAll(async () => {
    await handle?.close();
    await pg?.closeAll();
  });

  it("R-VOU-5/R-VOU-4/R-MATCH-7: random payments keep balances ≥ 0, the ledger exact, one deduction per order", async () => {
    const context = `(seed ${SEED}; replay with ORDERS_MODEL_SEED=${SEED})`;
    const known = new Map(vouchers.map((v) => [v.id, v.nominal])); // what a client last saw
    const paidVia = new Map<string, PayResult>(); // order → the first success observed
    const done: (Done | undefined)[] = new Array(ops.length);
    const started: (Input | undefined)[] = new Array(ops.length);
    const memberOf: Member[] = new Array(ops.length);
    let next = 0;
    let seq = 0;
    const t0 = performance.now();

    const inputFor = (op: Op): { input: Input; member: Member } | null => {
      if (op.kind === "pay") {
        const expected = op.voucher
          ? Math.max(0, Math.min(known.get(op.voucher.id) ?? 0, op.amount) + op.stale)
          : 0;
        return {
          member: op.member,
          input: {
            orderId: op.orderId,
            couponId: op.voucher?.id ?? null,
            expectedDeductionMinor: expected,
            idempotencyKey: `model-${SEED}-${op.i}`,
          },
        };
      }
      const ref = started[op.ref];
      const member = memberOf[op.ref];
      if (!ref || !member) return null;
      if (op.kind === "duplicate") return { member, input: ref };
      if (op.kind === "reuseKey")
        return {
          member,
          input: ref.couponId
            ? { ...ref, expectedDeductionMinor: ref.expectedDeductionMinor + 1 }
            : { ...ref, couponId: vouchers[0]?.id ?? null, expectedDeductionMinor: 1 },
        };
      return { member, input: { ...ref, idempotencyKey: `model-${SEED}-${op.i}-repay` } };
    };

    async function worker() {
      for (;;) {
        const idx = next++;
        if (idx >= ops.length) return;
        const op = ops[idx] as Op;
        const prepared = inputFor(op);
        if (!prepared) continue;
        const { input, member } = prepared;
        started[idx] = input;
        memberOf[idx] = member;
        const t = performance.now();
        const startSeq = seq++;
        const r = await outcome(callerFor(handle, member.user).orders.pay(input));
        done[idx] = { op, input, member, r, ms: performance.now() - t, startSeq, endSeq: seq++ };
        if (r.ok && !paidVia.has(r.value.orderId)) {
          paidVia.set(r.value.orderId, r.value);
          if (r.value.couponId)
            known.set(r.value.couponId, (known.get(r.value.couponId) ?? 0) - r.value.voucherMinor);
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = performance.now() - t0;

    // 1. Every answer is a success or a typed 4xx; never a 5xx.
    const all = done.filter((d): d is Done => d !== undefined);
    const tally = new Map<string, number>();
    for (const d of all)
      tally.set(`${d.op.kind}:${kindOf(d.r)}`, (tally.get(`${d.op.kind}:${kindOf(d.r)}`) ?? 0) + 1);
    const unexpected = all.filter((d) => !d.r.ok && !ALLOWED_REFUSALS.has(kindOf(d.r)));
    expect(
      unexpected
        .slice(0, 5)
        .map((d) => `${d.op.kind} ${JSON.stringify(d.input)} → ${kindOf(d.r)}: ${!d.r.ok && d.r.message}`),
      `unexpected answers ${context}`,
    ).toEqual([]);

    // 2. Per operation, what the model says must happen.
    const problems: string[] = [];
    for (const d of all) {
      const { op, r } = d;
      if (op.kind === "pay" && kindOf(r) === "CONFLICT/ORDER_ALREADY_PAID") {
        // Legitimate only when a second payment or a duplicate of this order got there first.
        if (!paidVia.has(op.orderId))
          problems.push(`ORDER_ALREADY_PAID for an order nobody paid: ${op.orderId}`);
      } else if (op.kind === "pay") {
        const v = op.voucher;
        if (r.ok) {
          if (r.value.voucherMinor + r.value.cashMinor !== op.amount)
            problems.push(`parts ≠ amount: ${op.orderId}`);
          if (r.value.couponId !== (v?.id ?? null)) problems.push(`wrong voucher on ${op.orderId}`);
          if (v && r.value.voucherMinor !== d.input.expectedDeductionMinor)
            problems.push(
              `charged ${r.value.voucherMinor}, expected ${d.input.expectedDeductionMinor}: ${op.orderId}`,
            );
          if (!v && r.value.voucherMinor !== 0)
            problems.push(`voucher part without a voucher: ${op.orderId}`);
        }
        if (v) {
          const usable = v.owner === op.member.account || v.shared.includes(op.member.account);
          const excluded =
            v.commodities.length === 0 ? op.product === "cloud_os" : !v.commodities.includes(op.product);
          const staticallyOut =
            v.validity !== "valid" ||
            excluded ||
            !v.paymentTypes.includes("Subscription") ||
            op.amount < v.minOrder;
          const k = kindOf(r);
          if (!usable && k !== "NOT_FOUND/NOT_FOUND")
            problems.push(`${v.id} not usable by ${op.member.user} but ${k}`);
          if (usable && staticallyOut && k !== "UNPROCESSABLE_CONTENT/VOUCHER_NOT_APPLICABLE")
            problems.push(`${v.id} does not apply to ${op.orderId} but ${k}`);
          if (r.ok && d.input.expectedDeductionMinor === 0)
            problems.push(`paid with a 0 deduction: ${op.orderId}`);
        } else if (!r.ok) problems.push(`cash payment refused: ${op.orderId} ${kindOf(r)}`);
      } else if (op.kind === "reuseKey") {
        // Only when the first payment had finished before this call began; otherwise either may win the key.
        const ref = done[op.ref];
        if (
          ref?.r.ok &&
          ref.endSeq < d.startSeq &&
          kindOf(r) !== "UNPROCESSABLE_CONTENT/IDEMPOTENCY_KEY_REUSED"
        )
          problems.push(`reused key ${d.input.idempotencyKey} with another payload → ${kindOf(r)}`);
        if (r.ok && ref?.r.ok) problems.push(`reused key paid twice: ${d.input.orderId}`);
      } else if (op.kind === "repay") {
        const ref = done[op.ref];
        if (ref?.r.ok && ref.endSeq < d.startSeq && kindOf(r) !== "CONFLICT/ORDER_ALREADY_PAID")
          problems.push(`second payment of ${d.input.orderId} → ${kindOf(r)}`);
      }
      // Any two successes for one order must be the same payment.
      if (r.ok) {
        const first = paidVia.get(r.value.orderId);
        if (JSON.stringify(sortKeys(first)) !== JSON.stringify(sortKeys(r.value)))
          problems.push(`two different successes for ${r.value.orderId}`);
      }
    }
    expect(problems.slice(0, 10), `model violations ${context}`).toEqual([]);

    // 3. The database: balances, ledger, one deduction per order, client view = server state.
    await assertLedgerInvariant(handle);
    await assertOrderInvariants(handle.db);
    const drift = await deductionDrift(
      handle.db,
      vouchers.map((v) => v.id),
    );
    expect(
      [...drift.entries()].filter(([, x]) => x !== 0),
      `Σ deductions ≠ nominal − balance ${context}`,
    ).toEqual([]);
    const dbSpent = await rows<{ id: string; spent: string; balance: string }>(
      handle.db,
      sql`SELECT id, (nominal_minor - balance_minor)::text AS spent, balance_minor::text AS balance FROM coupons WHERE id LIKE 'CP-MODL-%'`,
    );
    const clientSpent = new Map<string, number>();
    for (const p of paidVia.values())
      if (p.couponId) clientSpent.set(p.couponId, (clientSpent.get(p.couponId) ?? 0) + p.voucherMinor);
    for (const r of dbSpent) {
      expect(Number(r.balance), `${r.id} balance ${context}`).toBeGreaterThanOrEqual(0);
      expect(
        Number(r.spent),
        `${r.id}: spent per the database vs. the successes clients saw ${context}`,
      ).toBe(clientSpent.get(r.id) ?? 0);
    }
    const [paid] = await rows<{ n: string }>(
      handle.db,
      sql`SELECT count(*)::text AS n FROM orders WHERE id LIKE 'ORD-M-%' AND status = 'Paid'`,
    );
    expect(Number(paid?.n), context).toBe(paidVia.size);

    const report = {
      seed: SEED,
      operations: all.length,
      seconds: Math.round(elapsed / 100) / 10,
      perSecond: Math.round((all.length / elapsed) * 1000),
      ...percentiles(all.map((d) => d.ms)),
      paidOrders: paidVia.size,
      usedUpVouchers: dbSpent.filter((r) => Number(r.balance) === 0).length,
      outcomes: Object.fromEntries([...tally.entries()].sort()),
    };
    console.info("model", JSON.stringify(report));
    // The mix really exercised every path.
    for (const k of [
      "pay:ok",
      "pay:CONFLICT/VOUCHER_CHANGED",
      "pay:UNPROCESSABLE_CONTENT/VOUCHER_NOT_APPLICABLE",
      "pay:NOT_FOUND/NOT_FOUND",
      "duplicate:ok",
      "reuseKey:UNPROCESSABLE_CONTENT/IDEMPOTENCY_KEY_REUSED",
      "repay:CONFLICT/ORDER_ALREADY_PAID",
    ])
      expect(tally.get(k) ?? 0, `${k} never happened ${context}`).toBeGreaterThan(0);
  }, 180_000);
});

function sortKeys(v: unknown): unknown {
  return v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort()) : v;
}
