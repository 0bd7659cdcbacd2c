import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  byPriorityOracle,
  deductionForOracle,
  type MatchOrder,
  type MatchVoucher,
  matchVouchersOracle,
  type ReasonCode,
  UNAVAILABLE_REASONS,
  unavailableReasonsOracle,
} from "./rules";

const NOW = new Date("2026-06-15T04:00:00.000Z");
const EXCLUDED = new Set(["cloud_os"]);
const ALICE = "5000000000000101";
const BOB = "5000000000000202";
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

const order = (over: Partial<MatchOrder> = {}): MatchOrder => ({
  accountId: ALICE,
  productCode: "ecs",
  paymentType: "Subscription",
  transactionType: "New Purchase",
  amountMinor: 10_000,
  currency: "USD",
  ...over,
});

const voucher = (over: Partial<MatchVoucher> = {}): MatchVoucher => ({
  id: "CP-TEST-0001",
  accountId: ALICE,
  sharedWith: [],
  currency: "USD",
  balanceMinor: 5_000,
  commodities: [],
  scopes: [],
  paymentTypes: ["Subscription", "Pay-as-you-go"],
  minOrderMinor: 0,
  effectiveFrom: new Date("2026-06-01T00:00:00.000Z"),
  expiresAt: new Date("2026-07-01T00:00:00.000Z"),
  issuedAt: new Date("2026-05-31T00:00:00.000Z"),
  reclaimed: false,
  ...over,
});

describe("unavailableReasonsOracle (R-MATCH-2)", () => {
  // [title, order, voucher, now, expected reasons]
  const cases: [string, MatchOrder, MatchVoucher, Date, ReasonCode[]][] = [
    ["a general voucher inside its period applies", order(), voucher(), NOW, []],
    ["reclaimed", order(), voucher({ reclaimed: true }), NOW, ["RECLAIMED"]],
    [
      "a discount coupon never pays an order (decision 013)",
      order(),
      voucher({ couponType: "Discount Coupon" }),
      NOW,
      ["DISCOUNT_COUPON"],
    ],
    [
      "R-PAYG-1: a bill line (no transaction type) takes only vouchers of General scope",
      order({ paymentType: "Pay-as-you-go", transactionType: null }),
      voucher({ scopes: ["New Purchase"] }),
      NOW,
      ["SCOPE_NOT_COVERED"],
    ],
    [
      "reclaimed wins over expired",
      order(),
      voucher({ reclaimed: true }),
      ms(voucher().expiresAt, 1),
      ["RECLAIMED"],
    ],
    ["expired long ago", order(), voucher(), new Date("2027-01-01T00:00:00Z"), ["EXPIRED"]],
    [
      "expired: expiresAt == now is expired (exclusive end)",
      order(),
      voucher({ expiresAt: NOW }),
      NOW,
      ["EXPIRED"],
    ],
    ["expiresAt 1 ms after now still applies", order(), voucher({ expiresAt: ms(NOW, 1) }), NOW, []],
    [
      "expired with balance 0 is EXPIRED, not USED_UP",
      order(),
      voucher({ expiresAt: NOW, balanceMinor: 0 }),
      NOW,
      ["EXPIRED"],
    ],
    [
      "not yet effective: 1 ms before effectiveFrom",
      order(),
      voucher({ effectiveFrom: ms(NOW, 1) }),
      NOW,
      ["NOT_YET_EFFECTIVE"],
    ],
    [
      "effectiveFrom == now is effective (inclusive start)",
      order(),
      voucher({ effectiveFrom: NOW }),
      NOW,
      [],
    ],
    ["used up (balance 0)", order(), voucher({ balanceMinor: 0 }), NOW, ["USED_UP"]],
    ["balance of 1 cent applies", order(), voucher({ balanceMinor: 1 }), NOW, []],
    ["currency mismatch", order({ currency: "CNY" }), voucher(), NOW, ["CURRENCY_MISMATCH"]],
    [
      "general voucher on an excluded product (Cloud OS)",
      order({ productCode: "cloud_os" }),
      voucher(),
      NOW,
      ["PRODUCT_EXCLUDED_FROM_GENERAL"],
    ],
    [
      "a voucher naming the excluded product applies to it",
      order({ productCode: "cloud_os" }),
      voucher({ commodities: ["cloud_os"] }),
      NOW,
      [],
    ],
    [
      "product not in the voucher's list",
      order({ productCode: "rds" }),
      voucher({ commodities: ["ecs", "oss"] }),
      NOW,
      ["PRODUCT_NOT_COVERED"],
    ],
    [
      "product in the voucher's list",
      order({ productCode: "oss" }),
      voucher({ commodities: ["ecs", "oss"] }),
      NOW,
      [],
    ],
    [
      "scope New Purchase only, order is a Renewal",
      order({ transactionType: "Renewal" }),
      voucher({ scopes: ["New Purchase"] }),
      NOW,
      ["SCOPE_NOT_COVERED"],
    ],
    [
      "R-MATCH-8: General scope covers a Renewal",
      order({ transactionType: "Renewal" }),
      voucher({ scopes: [] }),
      NOW,
      [],
    ],
    [
      "R-MATCH-8: Renewal scope covers a Renewal",
      order({ transactionType: "Renewal" }),
      voucher({ scopes: ["Renewal"] }),
      NOW,
      [],
    ],
    [
      "Renewal scope, order is a New Purchase",
      order(),
      voucher({ scopes: ["Renewal"] }),
      NOW,
      ["SCOPE_NOT_COVERED"],
    ],
    [
      "payment type not covered (Pay-as-you-go only, Subscription order)",
      order(),
      voucher({ paymentTypes: ["Pay-as-you-go"] }),
      NOW,
      ["PAYMENT_TYPE_NOT_COVERED"],
    ],
    [
      "below minimum order (1 cent short)",
      order({ amountMinor: 49_999 }),
      voucher({ minOrderMinor: 50_000 }),
      NOW,
      ["BELOW_MIN_ORDER"],
    ],
    [
      "order amount == minimum order applies",
      order({ amountMinor: 50_000 }),
      voucher({ minOrderMinor: 50_000 }),
      NOW,
      [],
    ],
    ["another account's voucher", order(), voucher({ accountId: BOB }), NOW, ["NOT_USABLE_BY_ACCOUNT"]],
    [
      "shared with another account only",
      order(),
      voucher({ accountId: "5000000000000201", sharedWith: [BOB] }),
      NOW,
      ["NOT_USABLE_BY_ACCOUNT"],
    ],
    [
      "a shared account can use it",
      order({ accountId: BOB }),
      voucher({ accountId: "5000000000000201", sharedWith: [BOB] }),
      NOW,
      [],
    ],
    [
      "several reasons at once are all reported",
      order({ productCode: "rds", transactionType: "Renewal", amountMinor: 100 }),
      voucher({ commodities: ["ecs"], scopes: ["New Purchase"], minOrderMinor: 200, expiresAt: NOW }),
      NOW,
      ["EXPIRED", "PRODUCT_NOT_COVERED", "SCOPE_NOT_COVERED", "BELOW_MIN_ORDER"],
    ],
  ];

  it.each(cases)("R-MATCH-2: %s", (_title, o, v, now, expected) => {
    expect(unavailableReasonsOracle(o, v, now, EXCLUDED).sort()).toEqual([...expected].sort());
  });

  it("R-MATCH-3: the table covers every reason code, and each has a text", () => {
    const covered = new Set(cases.flatMap((c) => c[4]));
    for (const code of Object.keys(UNAVAILABLE_REASONS) as ReasonCode[]) {
      expect(covered.has(code), `no row for ${code}`).toBe(true);
      expect(UNAVAILABLE_REASONS[code].length).toBeGreaterThan(3);
    }
  });

  it("R-MATCH-2: the exclusion list is data: without it a general voucher applies to Cloud OS", () => {
    expect(unavailableReasonsOracle(order({ productCode: "cloud_os" }), voucher(), NOW, new Set())).toEqual(
      [],
    );
    expect(unavailableReasonsOracle(order({ productCode: "ecs" }), voucher(), NOW, new Set(["ecs"]))).toEqual(
      ["PRODUCT_EXCLUDED_FROM_GENERAL"],
    );
  });
});

describe("deductionForOracle (R-MATCH-5)", () => {
  it.each([
    [5_000, 10_000, 5_000],
    [10_000, 10_000, 10_000],
    [10_001, 10_000, 10_000],
    [1, 10_000, 1],
    [300, 1, 1],
  ])("R-MATCH-5: balance %i, order %i → deducts %i", (balance, amount, expected) => {
    expect(deductionForOracle(order({ amountMinor: amount }), { balanceMinor: balance })).toBe(expected);
  });

  it("R-MATCH-5: deduction = min(balance, amount); the cash part is the rest, never negative", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e13 }), fc.integer({ min: 1, max: 1e13 }), (balance, amount) => {
        const d = deductionForOracle(order({ amountMinor: amount }), { balanceMinor: balance });
        expect(d).toBe(Math.min(balance, amount));
        expect(Number.isSafeInteger(d)).toBe(true);
        expect(amount - d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(balance);
      }),
    );
  });
});

// Vouchers drawn from a small space, so ties on balance / expiry / issuance happen often.
const T0 = Date.parse("2026-06-01T00:00:00Z");
const arbVoucher: fc.Arbitrary<MatchVoucher> = fc
  .record({
    n: fc.integer({ min: 0, max: 9999 }),
    balance: fc.constantFrom(0, 1, 500, 5_000, 9_999, 20_000),
    expiryDays: fc.integer({ min: -3, max: 4 }),
    fromDays: fc.integer({ min: -20, max: 3 }),
    issuedDays: fc.integer({ min: -40, max: -21 }),
    mine: fc.boolean(),
    shared: fc.boolean(),
    reclaimed: fc.boolean(),
    commodities: fc.constantFrom([], ["ecs"], ["oss"], ["ecs", "oss"]),
    scopes: fc.constantFrom([], ["New Purchase"], ["Renewal"]),
    paymentTypes: fc.constantFrom(["Subscription"], ["Pay-as-you-go"], ["Subscription", "Pay-as-you-go"]),
    minOrder: fc.constantFrom(0, 0, 0, 5_000, 50_000),
  })
  .map((r) => ({
    id: `CP-${String(r.n).padStart(4, "0")}-PROP`,
    accountId: r.mine ? ALICE : BOB,
    sharedWith: r.shared ? [ALICE] : [],
    currency: "USD",
    balanceMinor: r.balance,
    commodities: r.commodities,
    scopes: r.scopes,
    paymentTypes: r.paymentTypes,
    minOrderMinor: r.minOrder,
    effectiveFrom: new Date(T0 + r.fromDays * 86_400_000),
    expiresAt: new Date(T0 + (r.expiryDays + 10) * 86_400_000),
    issuedAt: new Date(T0 + r.issuedDays * 86_400_000),
    reclaimed: r.reclaimed && r.n % 5 === 0,
  }));
const arbVouchers = fc.uniqueArray(arbVoucher, { selector: (v) => v.id, maxLength: 25 });
const arbOrder: fc.Arbitrary<MatchOrder> = fc.record({
  accountId: fc.constant(ALICE),
  productCode: fc.constantFrom("ecs", "oss", "rds", "cloud_os"),
  paymentType: fc.constantFrom("Subscription", "Pay-as-you-go"),
  transactionType: fc.constantFrom("New Purchase", "Renewal"),
  amountMinor: fc.constantFrom(1, 4_999, 5_000, 10_000, 50_000, 100_000),
  currency: fc.constant("USD"),
});
const arbNow = fc.integer({ min: -5, max: 20 }).map((d) => new Date(T0 + d * 86_400_000));

/** The priority written out independently of byPriorityOracle: true when `a` must come before `b`. */
function strictlyBefore(a: MatchVoucher, b: MatchVoucher): boolean {
  if (a.balanceMinor !== b.balanceMinor) return a.balanceMinor > b.balanceMinor;
  if (a.expiresAt.getTime() !== b.expiresAt.getTime()) return a.expiresAt < b.expiresAt;
  if (a.issuedAt.getTime() !== b.issuedAt.getTime()) return a.issuedAt < b.issuedAt;
  return a.id < b.id;
}

describe("matchVouchersOracle (R-MATCH-4)", () => {
  it("R-MATCH-4: the default is the priority maximum (largest balance > earliest expiry > earliest issuance > ID)", () => {
    fc.assert(
      fc.property(arbOrder, arbVouchers, arbNow, (o, vs, now) => {
        const m = matchVouchersOracle(o, vs, now, EXCLUDED);
        const applicable = vs.filter((v) => unavailableReasonsOracle(o, v, now, EXCLUDED).length === 0);
        if (applicable.length === 0) {
          expect(m.defaultVoucherId).toBeNull();
          return;
        }
        const best = applicable.reduce((a, b) => (strictlyBefore(b, a) ? b : a));
        expect(m.defaultVoucherId).toBe(best.id);
        for (const v of applicable) if (v.id !== best.id) expect(strictlyBefore(best, v)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("R-MATCH-4: the applicable list is sorted by priority and each deduction is min(balance, amount)", () => {
    fc.assert(
      fc.property(arbOrder, arbVouchers, arbNow, (o, vs, now) => {
        const m = matchVouchersOracle(o, vs, now, EXCLUDED);
        for (let i = 1; i < m.applicable.length; i++) {
          const prev = m.applicable[i - 1]?.voucher as MatchVoucher;
          const cur = m.applicable[i]?.voucher as MatchVoucher;
          expect(strictlyBefore(prev, cur)).toBe(true);
        }
        for (const a of m.applicable) {
          expect(a.deductionMinor).toBe(Math.min(a.voucher.balanceMinor, o.amountMinor));
          expect(a.deductionMinor).toBeGreaterThan(0);
        }
        expect(m.defaultVoucherId).toBe(m.applicable[0]?.voucher.id ?? null);
      }),
      { numRuns: 500 },
    );
  });

  it("R-MATCH-4: applicable ∪ unavailable = input, disjoint; every unavailable one has a reason", () => {
    fc.assert(
      fc.property(arbOrder, arbVouchers, arbNow, (o, vs, now) => {
        const m = matchVouchersOracle(o, vs, now, EXCLUDED);
        const a = m.applicable.map((x) => x.voucher.id);
        const u = m.unavailable.map((x) => x.voucher.id);
        expect([...a, ...u].sort()).toEqual(vs.map((v) => v.id).sort());
        expect(new Set([...a, ...u]).size).toBe(vs.length);
        for (const x of m.unavailable) {
          expect(x.reasons.length).toBeGreaterThan(0);
          expect(x.reasons).toEqual(unavailableReasonsOracle(o, x.voucher, now, EXCLUDED));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("R-MATCH-4: byPriorityOracle is a total order (antisymmetric, transitive, 0 only for the same ID)", () => {
    fc.assert(
      fc.property(arbVoucher, arbVoucher, arbVoucher, (a, b, c) => {
        expect(Math.sign(byPriorityOracle(a, b))).toBe(-Math.sign(byPriorityOracle(b, a)));
        if (byPriorityOracle(a, b) === 0) expect(a.id).toBe(b.id);
        if (byPriorityOracle(a, b) < 0 && byPriorityOracle(b, c) < 0)
          expect(byPriorityOracle(a, c)).toBeLessThan(0);
        if (a.id !== b.id) expect(byPriorityOracle(a, b) < 0).toBe(strictlyBefore(a, b));
      }),
      { numRuns: 1000 },
    );
  });

  it("R-MATCH-4: the result does not depend on the order of the input", () => {
    fc.assert(
      fc.property(arbOrder, arbVouchers, arbNow, fc.integer(), (o, vs, now, seed) => {
        const shuffled = [...vs];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as MatchVoucher, shuffled[i] as MatchVoucher];
        }
        const a = matchVouchersOracle(o, vs, now, EXCLUDED);
        const b = matchVouchersOracle(o, shuffled, now, EXCLUDED);
        expect(b.defaultVoucherId).toBe(a.defaultVoucherId);
        expect(b.applicable.map((x) => x.voucher.id)).toEqual(a.applicable.map((x) => x.voucher.id));
        expect(b.unavailable.map((x) => x.voucher.id)).toEqual(a.unavailable.map((x) => x.voucher.id));
      }),
      { numRuns: 300 },
    );
  });

  it("R-MATCH-4: concrete priority ties: balance, then expiry, then issuance, then ID", () => {
    const base = voucher();
    const vs = [
      voucher({ id: "CP-D", balanceMinor: 5_000 }),
      voucher({ id: "CP-C", balanceMinor: 5_000 }),
      voucher({ id: "CP-B", balanceMinor: 5_000, issuedAt: ms(base.issuedAt, -1) }),
      voucher({ id: "CP-A", balanceMinor: 5_000, expiresAt: ms(base.expiresAt, -1) }),
      voucher({ id: "CP-Z", balanceMinor: 5_001 }),
      voucher({ id: "CP-X", balanceMinor: 9_000, expiresAt: NOW }), // expired: not listed
    ];
    const m = matchVouchersOracle(order(), vs, NOW, EXCLUDED);
    expect(m.applicable.map((a) => a.voucher.id)).toEqual(["CP-Z", "CP-A", "CP-B", "CP-C", "CP-D"]);
    expect(m.defaultVoucherId).toBe("CP-Z");
    expect(m.unavailable).toEqual([{ voucher: vs[5], reasons: ["EXPIRED"] }]);
  });
});
