import { sql } from "drizzle-orm";
import type { Db, Executor } from "./client";
import * as s from "./schema";

/**
 * The deterministic demo world. Amounts, IDs and the shape of every history are fixed (a seeded
 * PRNG); dates are relative to the moment of seeding, so every status exists whenever it runs.
 */
export const DEMO_PASSWORD = "demo-password";
/**
 * DEMO_PASSWORD hashed once with today's scrypt cost (N=2^17; server/auth/password.ts): hashing it
 * on every seed would cost each test database about a second. A public password, a public hash.
 */
export const DEMO_PASSWORD_HASH =
  "scrypt$131072$8$1$u81EIszS2uZT3JIOpnyiXg$6AX0kG-YEL9PKYB57g8PFNmfAJsOQ0y7aQooGZOIF70";
export const ACCOUNTS = {
  operator: "1000000000000001",
  alice: "5000000000000101",
  acme: "5000000000000201",
  bob: "5000000000000202",
  carol: "5000000000000203",
  dave: "5000000000000204",
} as const;

export const DEMO_USERS = [
  {
    id: "u-operator",
    email: "operator@example.com",
    name: "Olivia Operator",
    accountId: ACCOUNTS.operator,
    role: "operator",
  },
  {
    id: "u-alice",
    email: "alice@example.com",
    name: "Alice Chen",
    accountId: ACCOUNTS.alice,
    role: "customer",
  },
  {
    id: "u-acme-admin",
    email: "admin@acme.example",
    name: "Acme Admin",
    accountId: ACCOUNTS.acme,
    role: "customer",
  },
  /** An Acme administrator who holds only the Quota Pool permission (no Cards and Coupons). */
  {
    id: "u-acme-finance",
    email: "finance@acme.example",
    name: "Fay Finance",
    accountId: ACCOUNTS.acme,
    role: "customer",
  },
  { id: "u-bob", email: "bob@acme.example", name: "Bob Li", accountId: ACCOUNTS.bob, role: "customer" },
  {
    id: "u-carol",
    email: "carol@acme.example",
    name: "Carol Wang",
    accountId: ACCOUNTS.carol,
    role: "customer",
  },
  { id: "u-dave", email: "dave@acme.example", name: "Dave Zhou", accountId: ACCOUNTS.dave, role: "customer" },
] as const;

/** mulberry32: small, seeded, deterministic. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Event = {
  type: "Deduction" | "Refund" | "Reclaim";
  amount: number;
  at: Date;
  accountId?: string;
  orderId?: string;
  billId?: string;
  billLineId?: string;
  note?: string;
};
type CouponSpec = {
  id: string;
  accountId: string;
  nominal: number;
  from: number; // days from now (negative: past)
  to: number; // days from now, exclusive end
  issued?: number;
  type?: "Cash Coupon" | "Discount Coupon";
  discountBps?: number;
  commodities?: string[];
  scopes?: (typeof s.transactionType.enumValues)[number][];
  paymentTypes?: (typeof s.paymentType.enumValues)[number][];
  minOrder?: number;
  source?: "Direct issuance" | "Campaign" | "Quota pool";
  description?: string;
  shared?: string[];
  poolId?: string;
  reclaimed?: boolean;
  events?: Event[];
};

export async function seedIfEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(s.users);
  if ((row?.n ?? 0) > 0) return false;
  await db.transaction(async (tx) => seed(tx));
  return true;
}

export async function seed(db: Executor, now = new Date()): Promise<void> {
  const day = 86_400_000;
  const at = (days: number, minutes = 0) => new Date(now.getTime() + days * day + minutes * 60_000);
  // Validity periods run from midnight to midnight in UTC+8, as issued vouchers do (R-TIME-1).
  const utc8Midnight = Math.floor((now.getTime() + 8 * 3_600_000) / day) * day - 8 * 3_600_000;
  const dayStart = (days: number) => new Date(utc8Midnight + days * day);
  const rand = prng(20261126);
  const cents = (min: number, max: number) => Math.floor(min + rand() * (max - min));

  await db.insert(s.accounts).values([
    { id: ACCOUNTS.operator, name: "Platform Operations" },
    { id: ACCOUNTS.alice, name: "Alice Chen" },
    { id: ACCOUNTS.acme, name: "Acme Corp (financial account)" },
    { id: ACCOUNTS.bob, name: "Bob Li (Acme)" },
    { id: ACCOUNTS.carol, name: "Carol Wang (Acme)" },
    { id: ACCOUNTS.dave, name: "Dave Zhou (Acme)" },
  ]);
  const passwordHash = DEMO_PASSWORD_HASH;
  await db.insert(s.users).values(DEMO_USERS.map((u) => ({ ...u, passwordHash })));

  await db.insert(s.products).values([
    { code: "ecs", name: "Elastic Compute Service (ECS)" },
    { code: "oss", name: "Object Storage Service (OSS)" },
    { code: "rds", name: "ApsaraDB RDS" },
    { code: "domains", name: "Domains" },
    { code: "email", name: "Email" },
    { code: "cloud_os", name: "Cloud OS", excludedFromGeneral: true },
    { code: "ecs_plan", name: "ECS Resource Plan", isResourcePlan: true },
  ]);
  await db.insert(s.refundRules).values([
    {
      id: "rr-legacy",
      effectiveFrom: "1970-01-01T00:00:00Z",
      appliesTo: "subscription",
      mode: "cash_only",
      description:
        "Before 2025-05-21 10:00 (UTC+8): only the cash part is refunded; the voucher part is forfeited.",
    },
    {
      id: "rr-sub-2025",
      effectiveFrom: "2025-05-21T02:00:00Z",
      appliesTo: "subscription",
      mode: "proportional",
      description: "Subscription products: the voucher gets back a proportional part on unsubscribe.",
    },
    {
      id: "rr-plan-2025",
      effectiveFrom: "2025-08-19T02:00:00Z",
      appliesTo: "resource_plan",
      mode: "proportional",
      description: "Resource plans: proportional return to the voucher on unsubscribe.",
    },
  ]);

  // Acme: an enterprise whose financial account manages Bob and Carol; Dave is a member it does not manage.
  await db.insert(s.enterprises).values({
    id: "ent-acme",
    name: "Acme Corp",
    masterAccountId: ACCOUNTS.acme,
    ownerUserId: "u-acme-admin",
    enabledAt: at(-200).toISOString(),
  });
  await db.insert(s.enterpriseMembers).values(
    [ACCOUNTS.bob, ACCOUNTS.carol, ACCOUNTS.dave].map((accountId) => ({
      enterpriseId: "ent-acme",
      accountId,
      status: "active" as const,
      joinedAt: at(-190).toISOString(),
    })),
  );
  await db.insert(s.financialRelationships).values([
    {
      id: "fr-acme-bob",
      enterpriseId: "ent-acme",
      financialAccountId: ACCOUNTS.acme,
      memberAccountId: ACCOUNTS.bob,
      // Managed since before the pool vouchers they spend from were generated (issue 10, point 10).
      createdAt: at(-180).toISOString(),
    },
    {
      id: "fr-acme-carol",
      enterpriseId: "ent-acme",
      financialAccountId: ACCOUNTS.acme,
      memberAccountId: ACCOUNTS.carol,
      createdAt: at(-180).toISOString(),
    },
  ]);
  await db.insert(s.adminPermissions).values([
    { userId: "u-acme-admin", financialAccountId: ACCOUNTS.acme, permission: "cards_and_coupons" },
    { userId: "u-acme-admin", financialAccountId: ACCOUNTS.acme, permission: "quota_pool" },
    {
      userId: "u-acme-finance",
      financialAccountId: ACCOUNTS.acme,
      permission: "quota_pool",
      grantedBy: "u-acme-admin",
    },
  ]);

  const orders: (typeof s.orders.$inferInsert)[] = [];
  const bills = new Map<string, typeof s.bills.$inferInsert>();
  const billLines: (typeof s.billLines.$inferInsert)[] = [];
  let orderSeq = 0;
  const products = ["ecs", "oss", "rds", "domains", "email"];

  /** A history of `n` deductions spread between two moments, each against its own paid order. */
  function orderDeductions(
    accountId: string,
    n: number,
    total: number,
    fromDays: number,
    toDays: number,
    product?: string,
  ): Event[] {
    const weights = Array.from({ length: n }, () => 1 + Math.floor(rand() * 9));
    const sum = weights.reduce((a, b) => a + b, 0);
    let left = total;
    return weights.map((w, i) => {
      const amount = i === n - 1 ? left : Math.max(1, Math.floor((total * w) / sum));
      left -= amount;
      orderSeq += 1;
      const orderId = `ORD-${String(202600000 + orderSeq)}`;
      const when = at(fromDays + ((toDays - fromDays) * (i + 0.5)) / n, i % 60);
      const cash = rand() < 0.5 ? 0 : cents(1, 5000);
      orders.push({
        id: orderId,
        accountId,
        productCode: product ?? (products[i % products.length] as string),
        paymentType: "Subscription",
        transactionType: i % 7 === 3 ? "Renewal" : "New Purchase",
        currency: "USD",
        amountMinor: amount + cash,
        status: "Paid",
        voucherMinor: amount,
        cashMinor: cash,
        createdAt: when.toISOString(),
        paidAt: when.toISOString(),
      });
      return { type: "Deduction" as const, amount, at: when, accountId, orderId };
    });
  }

  /**
   * Pay-as-you-go months in UTC+8 (the demo accounts' zone): `monthsAgo` 0 is the current cycle.
   * `start` is the cycle's first instant, `end` the next cycle's.
   */
  const utc8 = new Date(now.getTime() + 8 * 3_600_000);
  function month(monthsAgo: number) {
    const y = utc8.getUTCFullYear();
    const m = utc8.getUTCMonth() - monthsAgo;
    const start = new Date(Date.UTC(y, m, 1) - 8 * 3_600_000);
    const end = new Date(Date.UTC(y, m + 1, 1) - 8 * 3_600_000);
    return { cycle: new Date(start.getTime() + 8 * 3_600_000).toISOString().slice(0, 7), start, end };
  }
  const billIdOf = (accountId: string, cycle: string) =>
    `BILL-${cycle.replace("-", "")}-${accountId.slice(-3)}`;
  function bill(accountId: string, monthsAgo: number, status: "Open" | "Closed") {
    const { cycle, start, end } = month(monthsAgo);
    const id = billIdOf(accountId, cycle);
    // Closed an hour after the cycle ended (or halfway to now, for last month's bill closed this early).
    const closedAt = new Date(end.getTime() + Math.min(3_600_000, (now.getTime() - end.getTime()) / 2));
    if (!bills.has(id)) {
      bills.set(id, {
        id,
        accountId,
        cycle,
        currency: "USD",
        status,
        closedAt: status === "Closed" ? closedAt.toISOString() : null,
        createdAt: start.toISOString(),
      });
    }
    return { id, closedAt, ...month(monthsAgo) };
  }
  /** Daily usage lines of a product over one cycle (only the part of it that is over). */
  function usage(accountId: string, monthsAgo: number, product: string, min: number, max: number) {
    const b = bill(accountId, monthsAgo, monthsAgo >= 2 ? "Closed" : "Open");
    const last = Math.min(b.end.getTime(), now.getTime() - 3_600_000);
    for (let t = b.start.getTime() + 3 * 3_600_000; t < last; t += day) {
      billLines.push({
        id: `${b.id}-L${billLines.length + 1}`,
        billId: b.id,
        productCode: product,
        amountMinor: cents(min, max),
        usageAt: new Date(t).toISOString(),
        description: `${product.toUpperCase()} metered usage, 1 day`,
      });
    }
  }
  /** A closed bill's line that a voucher paid part of, with its Deduction at the close (R-PAYG-1). */
  function billDeduction(accountId: string, amount: number, monthsAgo: number, product: string): Event {
    const b = bill(accountId, monthsAgo, "Closed");
    const lineId = `${b.id}-L${billLines.length + 1}`;
    billLines.push({
      id: lineId,
      billId: b.id,
      productCode: product,
      amountMinor: amount + 1999,
      voucherMinor: amount,
      usageAt: new Date(b.start.getTime() + 10 * day).toISOString(),
      description: `${product.toUpperCase()} metered usage`,
    });
    return { type: "Deduction", amount, at: b.closedAt, accountId, billId: b.id, billLineId: lineId };
  }

  const A = ACCOUNTS.alice;
  const specs: CouponSpec[] = [
    // Available, general, big history (hundreds of rows) with odd cents.
    {
      id: "CP-7Q2M-9XK4",
      accountId: A,
      nominal: 500_000,
      from: -120,
      to: 60,
      description: "Welcome credit",
      events: orderDeductions(A, 320, 312_345, -118, -2),
    },
    {
      id: "CP-4HB8-T2WN",
      accountId: A,
      nominal: 250_037,
      from: -90,
      to: 20,
      commodities: ["ecs", "oss"],
      description: "ECS and OSS starter",
      events: orderDeductions(A, 180, 123_456, -89, -1, "ecs"),
    },
    // The formula cell: a description and a ledger note that a spreadsheet would execute.
    {
      id: "CP-EQ1X-F0RM",
      accountId: A,
      nominal: 12_345,
      from: -30,
      to: 90,
      description: '=HYPERLINK("http://example.invalid","Click")',
      events: [
        { ...orderDeductions(A, 1, 2_345, -10, -9)[0], note: "=1+2 @SUM(A1) -note" } as Event,
        ...orderDeductions(A, 2, 1_001, -8, -2),
      ],
    },
    {
      id: "CP-9V3K-ABCD",
      accountId: A,
      nominal: 10_000,
      from: -10,
      to: 5,
      minOrder: 50_000,
      description: "Big-order coupon: orders from $500.00",
    },
    {
      id: "CP-RNWL-0001",
      accountId: A,
      nominal: 3_333,
      from: -15,
      to: 25,
      scopes: ["Renewal"],
      description: "Renewals only",
    },
    {
      id: "CP-PAYG-0002",
      accountId: A,
      nominal: 8_050,
      from: -100,
      to: 40,
      paymentTypes: ["Pay-as-you-go"],
      description: "Pay-as-you-go bills",
      events: [billDeduction(A, 1_234, 3, "oss"), billDeduction(A, 999, 2, "ecs")],
    },
    {
      id: "CP-RDS0-0003",
      accountId: A,
      nominal: 20_000,
      from: -5,
      to: 365,
      commodities: ["rds"],
      description: "ApsaraDB RDS",
    },
    {
      id: "CP-PLAN-0004",
      accountId: A,
      nominal: 4_999,
      from: -3,
      to: 27,
      commodities: ["ecs_plan"],
      description: "Resource plans",
    },
    {
      id: "CP-DOMN-0005",
      accountId: A,
      nominal: 1_099,
      from: -60,
      to: 3,
      commodities: ["domains", "email"],
      description: "Domains and Email, expiring soon",
    },
    // Used up.
    {
      id: "CP-USED-0006",
      accountId: A,
      nominal: 5_000,
      from: -50,
      to: 100,
      description: "Fully spent",
      events: orderDeductions(A, 4, 5_000, -45, -20),
    },
    {
      id: "CP-USED-0007",
      accountId: A,
      nominal: 777,
      from: -20,
      to: 10,
      events: orderDeductions(A, 1, 777, -19, -18),
    },
    // Expired: one with balance left, one spent before expiry.
    {
      id: "CP-EXPD-0008",
      accountId: A,
      nominal: 15_000,
      from: -200,
      to: -30,
      description: "Expired with balance",
      events: orderDeductions(A, 3, 4_321, -190, -40),
    },
    {
      id: "CP-EXPD-0009",
      accountId: A,
      nominal: 2_500,
      from: -100,
      to: -1,
      description: "Expired yesterday",
    },
    // Not yet effective.
    { id: "CP-SOON-0010", accountId: A, nominal: 30_000, from: 7, to: 180, description: "Starts next week" },
    { id: "CP-SOON-0011", accountId: A, nominal: 1_000, from: 2, to: 32, commodities: ["oss"] },
    // Discount coupons (percentage off, cap).
    {
      id: "CP-DISC-0012",
      accountId: A,
      nominal: 5_000,
      type: "Discount Coupon",
      discountBps: 2000,
      from: -10,
      to: 50,
      description: "20% off, up to $50.00",
    },
    {
      id: "CP-DISC-0013",
      accountId: A,
      nominal: 2_000,
      type: "Discount Coupon",
      discountBps: 1000,
      from: -100,
      to: -20,
      description: "10% off (expired)",
    },
    // Campaign-sourced and Cloud OS (general vouchers never apply to Cloud OS).
    {
      id: "CP-CAMP-0014",
      accountId: A,
      nominal: 6_666,
      from: -25,
      to: 75,
      source: "Campaign",
      description: "Double 11 campaign",
    },
    {
      id: "CP-CLOS-0015",
      accountId: A,
      nominal: 9_900,
      from: -25,
      to: 75,
      commodities: ["cloud_os"],
      description: "Cloud OS only",
    },
  ];
  // More available vouchers so the list paginates.
  for (let i = 16; i < 40; i++) {
    specs.push({
      id: `CP-MORE-${String(i).padStart(4, "0")}`,
      accountId: A,
      nominal: cents(500, 90_000),
      from: -cents(1, 60),
      to: cents(1, 200),
      issued: -cents(61, 90),
    });
  }
  // Acme and its members.
  specs.push(
    {
      id: "CP-ACME-0100",
      accountId: ACCOUNTS.acme,
      nominal: 1_000_000,
      from: -100,
      to: 200,
      description: "Acquired: enterprise agreement",
      events: [
        {
          type: "Reclaim",
          amount: 600_000,
          at: at(-60),
          accountId: ACCOUNTS.acme,
          note: "Moved into the Coupon Quota Pool",
        },
      ],
    },
    {
      id: "CP-ACME-0101",
      accountId: ACCOUNTS.acme,
      nominal: 75_050,
      from: -30,
      to: 90,
      description: "Acme direct voucher",
      events: orderDeductions(ACCOUNTS.acme, 6, 20_000, -25, -2),
    },
    {
      id: "CP-POOL-0102",
      accountId: ACCOUNTS.acme,
      nominal: 200_000,
      from: -50,
      to: 120,
      source: "Quota pool",
      poolId: "pool-acme-usd",
      shared: [ACCOUNTS.bob, ACCOUNTS.carol],
      description: "Team Q4 cloud budget",
      events: [
        ...orderDeductions(ACCOUNTS.bob, 5, 31_234, -45, -3),
        ...orderDeductions(ACCOUNTS.carol, 4, 18_765, -44, -4),
      ].sort((a, b) => a.at.getTime() - b.at.getTime()),
    },
    {
      id: "CP-POOL-0103",
      accountId: ACCOUNTS.acme,
      nominal: 50_000,
      from: -50,
      to: 120,
      source: "Quota pool",
      poolId: "pool-acme-usd",
      shared: [ACCOUNTS.bob],
      description: "Reclaimed project budget",
      reclaimed: true,
      events: [
        ...orderDeductions(ACCOUNTS.bob, 2, 12_000, -45, -20),
        {
          type: "Reclaim",
          amount: 38_000,
          at: at(-10),
          accountId: ACCOUNTS.acme,
          note: "Reclaimed to the Coupon Quota Pool",
        },
      ],
    },
    {
      id: "CP-BOB0-0200",
      accountId: ACCOUNTS.bob,
      nominal: 4_200,
      from: -20,
      to: 40,
      description: "Bob's own voucher",
      events: orderDeductions(ACCOUNTS.bob, 2, 1_550, -15, -5),
    },
    {
      id: "CP-CARL-0300",
      accountId: ACCOUNTS.carol,
      nominal: 9_999,
      from: -20,
      to: 15,
      commodities: ["ecs"],
    },
    {
      id: "CP-DAVE-0400",
      accountId: ACCOUNTS.dave,
      nominal: 3_000,
      from: -20,
      to: 15,
      description: "Dave's voucher (not managed by Acme's financial account)",
    },
  );

  // Last month's pay-as-you-go usage waits for the operator to close the cycle (Billing > Bills); the
  // current month is still accruing.
  usage(A, 1, "ecs", 150, 900);
  usage(A, 1, "oss", 20, 300);
  usage(A, 0, "ecs", 150, 900);
  usage(ACCOUNTS.acme, 1, "rds", 500, 4_000);
  usage(ACCOUNTS.bob, 1, "ecs", 300, 1_500);
  usage(ACCOUNTS.carol, 1, "oss", 100, 700);
  usage(ACCOUNTS.carol, 2, "oss", 100, 700);

  const couponRows: (typeof s.coupons.$inferInsert)[] = [];
  const ledgerRows: (typeof s.couponLedger.$inferInsert)[] = [];
  for (const c of specs) {
    const issuedAt = at(c.issued ?? Math.min(c.from, 0) - 1);
    let balance = c.nominal;
    ledgerRows.push({
      couponId: c.id,
      accountId: c.accountId,
      type: "Issuance",
      amountMinor: c.nominal,
      balanceAfterMinor: balance,
      note: c.description ?? "",
      createdAt: issuedAt.toISOString(),
    });
    let reclaimedAt: string | null = null;
    for (const e of c.events ?? []) {
      balance += e.type === "Refund" ? e.amount : -e.amount;
      if (e.type === "Reclaim" && c.reclaimed) reclaimedAt = e.at.toISOString();
      if (e.orderId) {
        const o = orders.find((x) => x.id === e.orderId);
        if (o) o.couponId = c.id;
      }
      ledgerRows.push({
        couponId: c.id,
        accountId: e.accountId ?? c.accountId,
        type: e.type,
        amountMinor: e.amount,
        balanceAfterMinor: balance,
        orderId: e.orderId,
        billId: e.billId,
        billLineId: e.billLineId,
        note: e.note ?? "",
        createdAt: e.at.toISOString(),
      });
    }
    if (balance < 0) throw new Error(`seed: ${c.id} would go negative`);
    couponRows.push({
      id: c.id,
      accountId: c.accountId,
      couponType: c.type ?? "Cash Coupon",
      currency: "USD",
      nominalMinor: c.nominal,
      balanceMinor: balance,
      discountBps: c.discountBps ?? null,
      discountCapMinor: c.type === "Discount Coupon" ? c.nominal : null,
      commodities: c.commodities ?? [],
      scopes: c.scopes ?? [],
      paymentTypes: c.paymentTypes ?? ["Subscription", "Pay-as-you-go"],
      minOrderMinor: c.minOrder ?? 0,
      effectiveFrom: dayStart(c.from).toISOString(),
      expiresAt: dayStart(c.to).toISOString(),
      issuedAt: issuedAt.toISOString(),
      source: c.source ?? "Direct issuance",
      description: c.description ?? "",
      shared: Boolean(c.shared) || Boolean(c.poolId),
      poolId: c.poolId ?? null,
      reclaimedAt,
    });
  }

  await insertChunked(db, s.coupons, couponRows);
  await db
    .insert(s.couponShares)
    .values(specs.flatMap((c) => (c.shared ?? []).map((accountId) => ({ couponId: c.id, accountId }))));
  await insertChunked(db, s.orders, orders);
  if (bills.size) await db.insert(s.bills).values([...bills.values()]);
  if (billLines.length) await db.insert(s.billLines).values(billLines);
  ledgerRows.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
  await insertChunked(db, s.couponLedger, ledgerRows);

  // Pool: 6,000.00 moved in from CP-ACME-0100, 2,000.00 + 500.00 generated, 380.00 reclaimed.
  await db.insert(s.quotaPools).values({
    id: "pool-acme-usd",
    enterpriseId: "ent-acme",
    currency: "USD",
    fundsMinor: 600_000 - 250_000 + 38_000,
  });
  await db.insert(s.poolLedger).values([
    {
      poolId: "pool-acme-usd",
      type: "Move In",
      amountMinor: 600_000,
      fundsAfterMinor: 600_000,
      couponId: "CP-ACME-0100",
      actorUserId: "u-acme-admin",
      createdAt: at(-60).toISOString(),
    },
    {
      poolId: "pool-acme-usd",
      type: "Generate",
      amountMinor: 200_000,
      fundsAfterMinor: 400_000,
      couponId: "CP-POOL-0102",
      actorUserId: "u-acme-admin",
      createdAt: at(-51).toISOString(),
    },
    {
      poolId: "pool-acme-usd",
      type: "Generate",
      amountMinor: 50_000,
      fundsAfterMinor: 350_000,
      couponId: "CP-POOL-0103",
      actorUserId: "u-acme-admin",
      createdAt: at(-51).toISOString(),
    },
    {
      poolId: "pool-acme-usd",
      type: "Reclaim",
      amountMinor: 38_000,
      fundsAfterMinor: 388_000,
      couponId: "CP-POOL-0103",
      actorUserId: "u-acme-admin",
      createdAt: at(-10).toISOString(),
    },
  ]);
  await db.insert(s.auditLog).values([
    {
      enterpriseId: "ent-acme",
      actorUserId: "u-acme-admin",
      action: "pool.move_in",
      targetType: "coupon",
      targetId: "CP-ACME-0100",
      beforeMinor: 0,
      afterMinor: 600_000,
      createdAt: at(-60).toISOString(),
    },
    {
      enterpriseId: "ent-acme",
      actorUserId: "u-acme-admin",
      action: "pool.generate",
      targetType: "coupon",
      targetId: "CP-POOL-0102",
      beforeMinor: 600_000,
      afterMinor: 400_000,
      createdAt: at(-51).toISOString(),
    },
    {
      enterpriseId: "ent-acme",
      actorUserId: "u-acme-admin",
      action: "pool.generate",
      targetType: "coupon",
      targetId: "CP-POOL-0103",
      beforeMinor: 400_000,
      afterMinor: 350_000,
      createdAt: at(-51).toISOString(),
    },
    {
      enterpriseId: "ent-acme",
      actorUserId: "u-acme-admin",
      action: "pool.reclaim",
      targetType: "coupon",
      targetId: "CP-POOL-0103",
      beforeMinor: 350_000,
      afterMinor: 388_000,
      createdAt: at(-10).toISOString(),
    },
  ]);
}

async function insertChunked<T extends Parameters<Executor["insert"]>[0]>(
  db: Executor,
  table: T,
  values: T["$inferInsert"][],
) {
  for (let i = 0; i < values.length; i += 500) {
    await db.insert(table).values(values.slice(i, i + 500) as never);
  }
}
