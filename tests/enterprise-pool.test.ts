import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import {
  assertPoolConservation,
  balanceOf,
  generateArgs,
  key,
  pool,
  poolFunds,
  poolSnapshot,
} from "./enterprise-helpers";
import { callerFor, expectTRPCError } from "./helpers";
import { assertLedgerInvariant } from "./invariants";

const drivers = await testDatabases();

async function payWith(handle: DatabaseHandle, user: "u-bob" | "u-carol", couponId: string, amount: string) {
  const c = callerFor(handle, user);
  const order = await c.orders.create({
    productCode: "ecs",
    paymentType: "Subscription",
    transactionType: "New Purchase",
    amount,
  });
  const options = await c.orders.paymentOptions({ id: order.id });
  const match = options.applicable.find((v) => v.id === couponId);
  if (!match) throw new Error(`${couponId} is not applicable for ${user}`);
  return c.orders.pay({
    orderId: order.id,
    couponId,
    expectedDeductionMinor: match.deductionMinor,
    idempotencyKey: key(),
  });
}

describe.each(eachDriver(drivers))("[%s] Coupon Quota Pool", (_name, driver) => {
  let handle: DatabaseHandle;
  const admin = () => pool(handle, "u-acme-admin");

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterEach(async () => {
    await assertPoolConservation(handle);
    await assertLedgerInvariant(handle);
  });
  afterAll(() => driver.closeAll());

  it("R-POOL-1: the seeded pool is conserved and the overview adds up", async () => {
    const o = await admin().quotaPool.overview();
    expect(o.fundsMinor).toBe(388_000);
    expect(o.movedInMinor - o.generatedMinor + o.reclaimedMinor).toBe(o.fundsMinor);
    expect(o.assignable.map((a) => a.accountId)).toEqual([ACCOUNTS.bob, ACCOUNTS.carol]);
  });

  it("R-POOL-1: moving a voucher in moves its whole remaining balance, once, in one transaction", async () => {
    const before = await poolFunds(handle.db);
    const movable = await admin().quotaPool.movable();
    expect(movable.map((v) => v.id)).toContain("CP-ACME-0101");
    expect(movable.map((v) => v.id)).not.toContain("CP-POOL-0102");
    const balance = await balanceOf(handle.db, "CP-ACME-0101");
    const k = key();
    const r = await admin().quotaPool.moveIn({ couponId: "CP-ACME-0101", idempotencyKey: k });
    expect(r).toEqual({ couponId: "CP-ACME-0101", amountMinor: balance, fundsAfterMinor: before + balance });
    expect(await poolFunds(handle.db)).toBe(before + balance);
    expect(await balanceOf(handle.db, "CP-ACME-0101")).toBe(0);
    // A retry with the same key answers the same and moves nothing more.
    expect(await admin().quotaPool.moveIn({ couponId: "cp-acme-0101", idempotencyKey: k })).toEqual(r);
    expect(await poolFunds(handle.db)).toBe(before + balance);
    const [note] = await rows<{ note: string; type: string }>(
      handle.db,
      sql`SELECT note, type FROM coupon_ledger WHERE coupon_id = 'CP-ACME-0101' ORDER BY id DESC LIMIT 1`,
    );
    expect(note).toEqual({ note: "Moved into the Coupon Quota Pool", type: "Reclaim" });
    // Now used up: moving it again is refused and changes nothing.
    const snap = await poolSnapshot(handle.db);
    const e = await expectTRPCError(
      admin().quotaPool.moveIn({ couponId: "CP-ACME-0101", idempotencyKey: key() }),
      "CONFLICT",
    );
    expect(e.message).toMatch(/not available/);
    expect(await poolSnapshot(handle.db)).toEqual(snap);
  });

  it("R-POOL-1: other accounts' vouchers, pool vouchers and unknown IDs cannot be moved in", async () => {
    const snap = await poolSnapshot(handle.db);
    for (const id of ["CP-BOB0-0200", "CP-7Q2M-9XK4", "CP-ZZZZ-ZZZZ"]) {
      const e = await expectTRPCError(
        admin().quotaPool.moveIn({ couponId: id, idempotencyKey: key() }),
        "NOT_FOUND",
      );
      expect(e.message).toBe("Voucher not found");
    }
    await expectTRPCError(
      admin().quotaPool.moveIn({ couponId: "CP-POOL-0102", idempotencyKey: key() }),
      "BAD_REQUEST",
    );
    expect(await poolSnapshot(handle.db)).toEqual(snap);
  });

  it("R-POOL-2: generating N vouchers takes amount × N from the pool, each with its Issuance and Generate rows", async () => {
    const before = await poolFunds(handle.db);
    const r = await admin().quotaPool.generate(
      generateArgs({ amount: "12.34", quantity: 3, commodities: ["ecs"], minOrder: "1.00" }),
    );
    expect(r.ids).toHaveLength(3);
    expect(r.totalMinor).toBe(3702);
    expect(await poolFunds(handle.db)).toBe(before - 3702);
    const made = await rows<{
      id: string;
      source: string;
      shared: boolean;
      pool_id: string;
      account_id: string;
    }>(
      handle.db,
      sql`SELECT id, source, shared, pool_id, account_id FROM coupons WHERE id IN ${r.ids} ORDER BY id`,
    );
    expect(made).toHaveLength(3);
    for (const c of made) {
      expect(c).toMatchObject({
        source: "Quota pool",
        shared: true,
        pool_id: "pool-acme-usd",
        account_id: ACCOUNTS.acme,
      });
    }
    const audit = await admin().enterprise.audit({ limit: 3 });
    expect(audit.items.map((a) => a.action)).toEqual(["pool.generate", "pool.generate", "pool.generate"]);
    expect(audit.items.at(-1)?.beforeMinor).toBe(before);
    expect(audit.items[0]?.afterMinor).toBe(before - 3702);
  });

  it("R-POOL-2: more than the pool holds, zero, negative or malformed amounts are refused and nothing changes", async () => {
    const funds = await poolFunds(handle.db);
    const snap = await poolSnapshot(handle.db);
    const tooMuch = await expectTRPCError(
      admin().quotaPool.generate(
        generateArgs({ amount: "100.00", quantity: Math.floor(funds / 10_000) + 1 }),
      ),
      "CONFLICT",
    );
    expect(tooMuch.message).toMatch(/The pool holds \$[\d,]+\.\d\d; .* needs .*Nothing was generated/);
    const oneCentMore = (funds + 1).toString();
    await expectTRPCError(
      admin().quotaPool.generate(
        generateArgs({ amount: `${oneCentMore.slice(0, -2)}.${oneCentMore.slice(-2)}` }),
      ),
      "CONFLICT",
    );
    for (const amount of ["0", "0.00", "-5.00", "abc", "1.234"]) {
      await expectTRPCError(admin().quotaPool.generate(generateArgs({ amount })), "BAD_REQUEST");
    }
    await expectTRPCError(admin().quotaPool.generate(generateArgs({ quantity: 0 })), "BAD_REQUEST");
    await expectTRPCError(admin().quotaPool.generate(generateArgs({ quantity: -1 })), "BAD_REQUEST");
    await expectTRPCError(
      admin().quotaPool.generate(generateArgs({ assignTo: [ACCOUNTS.alice] })),
      "NOT_FOUND",
    );
    await expectTRPCError(admin().quotaPool.generate(generateArgs({ commodities: ["nope"] })), "BAD_REQUEST");
    expect(await poolSnapshot(handle.db)).toEqual(snap);
    // Exactly the funds is fine.
    const all = funds.toString().padStart(3, "0");
    const r = await admin().quotaPool.generate(
      generateArgs({ amount: `${all.slice(0, -2)}.${all.slice(-2)}` }),
    );
    expect(r.fundsAfterMinor).toBe(0);
    expect(await poolFunds(handle.db)).toBe(0);
    // Give the funds back for the following tests.
    await admin().quotaPool.reclaim({ couponId: r.ids[0] ?? "", idempotencyKey: key() });
    expect(await poolFunds(handle.db)).toBe(funds);
  });

  it("R-POOL-2: the same idempotency key with another payload is refused", async () => {
    const args = generateArgs({ amount: "1.00" });
    const first = await admin().quotaPool.generate(args);
    expect(await admin().quotaPool.generate(args)).toEqual(first);
    const snap = await poolSnapshot(handle.db);
    await expectTRPCError(admin().quotaPool.generate({ ...args, amount: "2.00" }), "UNPROCESSABLE_CONTENT");
    expect(await poolSnapshot(handle.db)).toEqual(snap);
  });

  it("R-POOL-3: a generated voucher shared with Bob and Carol is spent by both; details show who spent what", async () => {
    const { ids } = await admin().quotaPool.generate(
      generateArgs({ amount: "50.00", assignTo: [ACCOUNTS.bob] }),
    );
    const id = ids[0] ?? "";
    const added = await admin().quotaPool.assign({
      couponId: id,
      accountIds: [ACCOUNTS.carol, ACCOUNTS.bob],
    });
    expect(added.added).toEqual([ACCOUNTS.carol]);
    await payWith(handle, "u-bob", id, "12.00");
    await payWith(handle, "u-carol", id, "8.50");
    expect(await balanceOf(handle.db, id)).toBe(5000 - 1200 - 850);
    const details = await callerFor(handle, "u-bob").coupons.get({ id });
    expect(details.sharedWith.map((s) => s.accountId)).toEqual([ACCOUNTS.bob, ACCOUNTS.carol]);
    const history = await admin().coupons.history({ id });
    expect(
      history.items.filter((h) => h.type === "Deduction").map((h) => [h.accountId, h.amountMinor]),
    ).toEqual([
      [ACCOUNTS.carol, 850],
      [ACCOUNTS.bob, 1200],
    ]);
    const listed = await admin().quotaPool.vouchers({});
    const row = listed.items.find((v) => v.id === id);
    expect(row).toMatchObject({ spentMinor: 2050, balanceMinor: 2950, status: "Available" });
    expect(row?.sharedWith.map((s) => s.accountId)).toEqual([ACCOUNTS.bob, ACCOUNTS.carol]);
    // Dave is a member but not managed; Alice is outside the enterprise: both "not found", nothing changes.
    const snap = await poolSnapshot(handle.db);
    for (const accountId of [ACCOUNTS.dave, ACCOUNTS.alice, "9999999999999999"]) {
      const e = await expectTRPCError(
        admin().quotaPool.assign({ couponId: id, accountIds: [accountId] }),
        "NOT_FOUND",
      );
      expect(e.message).toContain(accountId);
    }
    await expectTRPCError(
      admin().quotaPool.assign({ couponId: "CP-ACME-0101", accountIds: [ACCOUNTS.bob] }),
      "NOT_FOUND",
    );
    expect(await poolSnapshot(handle.db)).toEqual(snap);
  });

  it("R-POOL-4: reclaim returns the remaining balance exactly once; a second reclaim is refused and changes nothing", async () => {
    const { ids } = await admin().quotaPool.generate(
      generateArgs({ amount: "30.00", assignTo: [ACCOUNTS.bob, ACCOUNTS.carol] }),
    );
    const id = ids[0] ?? "";
    await payWith(handle, "u-carol", id, "10.01");
    const funds = await poolFunds(handle.db);
    const k = key();
    const r = await admin().quotaPool.reclaim({ couponId: id, idempotencyKey: k });
    expect(r).toEqual({ couponId: id, reclaimedMinor: 1999, fundsAfterMinor: funds + 1999 });
    expect(await poolFunds(handle.db)).toBe(funds + 1999);
    expect((await admin().coupons.get({ id })).status).toBe("Reclaimed");
    // Same key: same answer, nothing more.
    expect(await admin().quotaPool.reclaim({ couponId: id, idempotencyKey: k })).toEqual(r);
    const snap = await poolSnapshot(handle.db);
    const again = await expectTRPCError(
      admin().quotaPool.reclaim({ couponId: id, idempotencyKey: key() }),
      "CONFLICT",
    );
    expect(again.message).toMatch(/already reclaimed/);
    await expectTRPCError(
      admin().quotaPool.reclaim({ couponId: "CP-POOL-0103", idempotencyKey: key() }),
      "CONFLICT",
    );
    await expectTRPCError(admin().quotaPool.assign({ couponId: id, accountIds: [ACCOUNTS.bob] }), "CONFLICT");
    // No payment from a reclaimed voucher: it is not even offered.
    const bob = callerFor(handle, "u-bob");
    const order = await bob.orders.create({
      productCode: "ecs",
      paymentType: "Subscription",
      transactionType: "New Purchase",
      amount: "1.00",
    });
    await expectTRPCError(
      bob.orders.pay({ orderId: order.id, couponId: id, expectedDeductionMinor: 100, idempotencyKey: key() }),
      "UNPROCESSABLE_CONTENT",
    );
    const after = await poolSnapshot(handle.db);
    expect({ ...after, keys: snap?.keys }).toEqual(snap);
    // Non-pool vouchers and unknown IDs cannot be reclaimed.
    for (const couponId of ["CP-ACME-0101", "CP-BOB0-0200", "CP-ZZZZ-ZZZZ"]) {
      await expectTRPCError(admin().quotaPool.reclaim({ couponId, idempotencyKey: key() }), "NOT_FOUND");
    }
  });

  it("R-POOL-4: reclaiming a used-up voucher marks it reclaimed and returns nothing", async () => {
    const { ids } = await admin().quotaPool.generate(
      generateArgs({ amount: "2.00", assignTo: [ACCOUNTS.bob] }),
    );
    const id = ids[0] ?? "";
    await payWith(handle, "u-bob", id, "5.00");
    expect(await balanceOf(handle.db, id)).toBe(0);
    const funds = await poolFunds(handle.db);
    const r = await admin().quotaPool.reclaim({ couponId: id, idempotencyKey: key() });
    expect(r.reclaimedMinor).toBe(0);
    expect(await poolFunds(handle.db)).toBe(funds);
    expect((await admin().coupons.get({ id })).status).toBe("Reclaimed");
  });

  it("R-POOL-5: every pool operation is in the audit log with actor, amounts before and after", async () => {
    const { ids } = await admin().quotaPool.generate(
      generateArgs({ amount: "3.00", assignTo: [ACCOUNTS.bob] }),
    );
    const id = ids[0] ?? "";
    await admin().quotaPool.assign({ couponId: id, accountIds: [ACCOUNTS.carol] });
    const funds = await poolFunds(handle.db);
    await admin().quotaPool.reclaim({ couponId: id, idempotencyKey: key() });
    const log = await admin().enterprise.audit({ limit: 3 });
    expect(log.items.map((a) => [a.action, a.targetId, a.actorEmail])).toEqual([
      ["pool.reclaim", id, "admin@acme.example"],
      ["pool.assign", id, "admin@acme.example"],
      ["pool.generate", id, "admin@acme.example"],
    ]);
    expect(log.items[0]).toMatchObject({ beforeMinor: funds, afterMinor: funds + 300 });
    expect(log.items[0]?.details).toMatchObject({ reclaimedMinor: 300 });
    expect(log.items[1]?.details).toEqual({ added: [ACCOUNTS.carol] });
    // Keyset pages cover the whole log once, newest first.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin().enterprise.audit({ limit: 4, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const [count] = await rows<{ n: string }>(
      handle.db,
      sql`SELECT count(*)::text AS n FROM audit_log WHERE enterprise_id = 'ent-acme'`,
    );
    expect(seen).toHaveLength(Number(count?.n));
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    await expectTRPCError(admin().enterprise.audit({ cursor: "abc" }), "BAD_REQUEST");
    // The audit log is append-only.
    await expect(handle.db.execute(sql`UPDATE audit_log SET action = 'x'`)).rejects.toThrow();
  });
});
