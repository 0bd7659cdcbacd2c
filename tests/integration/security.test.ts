import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD, DEMO_USERS } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import { appRouter, createCaller } from "@/server/trpc/root";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, type DemoUserId, expectTRPCError, snapshot } from "../helpers";

const drivers = await testDatabases();

type Caller = ReturnType<typeof callerFor>;

/**
 * One valid call per protected procedure. R-SEC-1 demands a test for every procedure: the
 * coverage test below fails when a procedure is added to appRouter without an entry here.
 */
const PROTECTED: Record<string, (c: Caller) => Promise<unknown>> = {
  "me.preferences": (c) => c.me.preferences(),
  "me.update": (c) => c.me.update({ locale: "en" }),
  "coupons.accounts": (c) => c.coupons.accounts(),
  "coupons.shared": (c) => c.coupons.shared(),
  "coupons.list": (c) => c.coupons.list({}),
  "coupons.totals": (c) => c.coupons.totals({}),
  "coupons.get": (c) => c.coupons.get({ id: "CP-7Q2M-9XK4" }),
  "coupons.history": (c) => c.coupons.history({ id: "CP-7Q2M-9XK4" }),
  "coupons.series": (c) => c.coupons.series({ id: "CP-7Q2M-9XK4" }),
  "coupons.forecast": (c) => c.coupons.forecast({}),
  "notifications.list": (c) => c.notifications.list({}),
  "notifications.unreadCount": (c) => c.notifications.unreadCount(),
  "notifications.markRead": (c) => c.notifications.markRead({ id: 1 }),
  "notifications.markAllRead": (c) => c.notifications.markAllRead(),
  "notifications.preference": (c) => c.notifications.preference(),
  "notifications.setPreference": (c) => c.notifications.setPreference({ emailDigest: "off" }),
  "operator.accounts": (c) => c.operator.accounts(),
  "operator.issue": (c) =>
    c.operator.issue({
      accountId: ACCOUNTS.alice,
      nominal: "1.00",
      effectiveFrom: "2026-01-01",
      expiresOn: "2026-12-31",
      idempotencyKey: "sec-test-key-0001",
    }),
  "catalog.products": (c) => c.catalog.products(),
  "orders.list": (c) => c.orders.list({}),
  "orders.get": (c) => c.orders.get({ id: "ORD-202600001" }),
  "orders.create": (c) =>
    c.orders.create({
      productCode: "ecs",
      paymentType: "Subscription",
      transactionType: "New Purchase",
      amount: "10.00",
    }),
  "orders.renew": (c) => c.orders.renew({ id: "ORD-202600001" }),
  "orders.cancel": (c) => c.orders.cancel({ id: "ORD-202600001" }),
  "orders.paymentOptions": (c) => c.orders.paymentOptions({ id: "ORD-202600001" }),
  "orders.pay": (c) =>
    c.orders.pay({
      orderId: "ORD-202600001",
      couponId: null,
      expectedDeductionMinor: 0,
      idempotencyKey: "sec-test-pay-0001",
    }),
  "orders.refundPreview": (c) => c.orders.refundPreview({ orderId: "ORD-202600001", amount: "1.00" }),
  "orders.refund": (c) =>
    c.orders.refund({ orderId: "ORD-202600001", amount: "1.00", idempotencyKey: "sec-test-refund-0001" }),
  "bills.accounts": (c) => c.bills.accounts(),
  "bills.list": (c) => c.bills.list({}),
  "bills.get": (c) => c.bills.get({ id: "BILL-202611-101" }),
  "bills.recordUsage": (c) =>
    c.bills.recordUsage({
      accountId: ACCOUNTS.alice,
      productCode: "ecs",
      amount: "1.00",
      usageAt: "2026-11-02T00:00:00Z",
    }),
  "bills.close": (c) => c.bills.close({ id: "BILL-202611-101" }),
  "bills.closeCycle": (c) => c.bills.closeCycle({ cycle: "2026-11" }),
  "invoices.accounts": (c) => c.invoices.accounts(),
  "invoices.list": (c) => c.invoices.list({}),
};
const PUBLIC = ["health.ping"];
/** Routers whose every procedure is run by every kind of caller in tests/enterprise-access.test.ts (with its own completeness check). */
const COVERED_ELSEWHERE = ["enterprise.", "quotaPool."];

const procedurePaths = Object.keys(
  (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
);
const nonOperators = DEMO_USERS.filter((u) => u.role !== "operator").map((u) => u.id);

describe("R-SEC-1: every procedure in appRouter is covered by the security tests", () => {
  it("R-SEC-1: the covered set equals the router's procedures (add new procedures to PROTECTED)", () => {
    const here = [...procedurePaths].filter((p) => !COVERED_ELSEWHERE.some((prefix) => p.startsWith(prefix)));
    expect(here.sort()).toEqual([...Object.keys(PROTECTED), ...PUBLIC].sort());
  });
});

describe.each(eachDriver(drivers))("[%s] access control", (_name, driver) => {
  let handle: DatabaseHandle;
  const as = (user: DemoUserId | null) => callerFor(handle, user);

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  it.each(Object.keys(PROTECTED))(
    "R-SEC-1: %s refuses an unauthenticated caller (UNAUTHORIZED)",
    async (path) => {
      const before = await snapshot(handle.db);
      await expectTRPCError(PROTECTED[path]?.(as(null)) ?? Promise.resolve(), "UNAUTHORIZED");
      // An unknown or missing session token is the same as no session.
      const bogus = createCaller({ handle, sessionToken: "not-a-real-session-token" });
      await expectTRPCError(PROTECTED[path]?.(bogus as Caller) ?? Promise.resolve(), "UNAUTHORIZED");
      expect(await snapshot(handle.db)).toEqual(before);
    },
  );

  it("R-SEC-1: every procedure of appRouter except the public ones refuses an unauthenticated caller, whatever the input", async () => {
    // Walks the router itself, so a procedure added later is checked even before it gets its own entry above.
    const before = await snapshot(handle.db);
    for (const path of procedurePaths.filter((p) => !PUBLIC.includes(p))) {
      let fn: unknown = as(null);
      for (const part of path.split(".")) fn = (fn as Record<string, unknown>)[part];
      for (const input of [undefined, {}, { id: "CP-7Q2M-9XK4", accountId: ACCOUNTS.alice }]) {
        let code: string | undefined;
        try {
          await (fn as (i: unknown) => Promise<unknown>)(input);
        } catch (e) {
          code = (e as { code?: string }).code;
        }
        expect(code, `${path}(${JSON.stringify(input)})`).toBe("UNAUTHORIZED");
      }
    }
    expect(await snapshot(handle.db)).toEqual(before);
  });

  it("R-SEC-1: health.ping is the only public procedure", async () => {
    expect(await as(null).health.ping()).toBe("pong");
  });

  it("R-SEC-1: a real session cookie authenticates; an expired one does not", async () => {
    const token = await signIn(handle.db, "alice@example.com", DEMO_PASSWORD);
    expect(token).toBeTruthy();
    const viaCookie = createCaller({ handle, sessionToken: token ?? undefined });
    const page = await viaCookie.coupons.list({ limit: 5 });
    expect(page.items.every((i) => i.accountId === ACCOUNTS.alice)).toBe(true);
    expect(await signIn(handle.db, "alice@example.com", "wrong-password")).toBeNull();
    expect(await signIn(handle.db, "nobody@example.com", DEMO_PASSWORD)).toBeNull();
    await handle.db.execute(sql`UPDATE sessions SET expires_at = now() - interval '1 second'`);
    await expectTRPCError(viaCookie.coupons.list({}), "UNAUTHORIZED");
  });

  it.each(nonOperators)(
    "R-SEC-1: non-operator %s gets FORBIDDEN from every operator.* procedure",
    async (user) => {
      const before = await snapshot(handle.db);
      const operatorPaths = procedurePaths.filter(
        (p) =>
          p.startsWith("operator.") || ["bills.recordUsage", "bills.close", "bills.closeCycle"].includes(p),
      );
      expect(operatorPaths.length).toBeGreaterThan(0);
      for (const path of operatorPaths) {
        await expectTRPCError(PROTECTED[path]?.(as(user)) ?? Promise.resolve(), "FORBIDDEN");
      }
      expect(await snapshot(handle.db)).toEqual(before);
    },
  );

  it("R-SEC-1: the operator can call every operator.* procedure and list any account", async () => {
    const accounts = await as("u-operator").operator.accounts();
    expect(accounts.map((a) => a.id).sort()).toEqual(Object.values(ACCOUNTS).sort());
    for (const accountId of Object.values(ACCOUNTS)) {
      const page = await as("u-operator").coupons.list({ accountId, limit: 100 });
      expect(page.items.every((i) => i.accountId === accountId)).toBe(true);
    }
    expect((await as("u-operator").coupons.get({ id: "CP-DAVE-0400" })).id).toBe("CP-DAVE-0400");
    await expectTRPCError(as("u-operator").coupons.list({ accountId: "9999999999999999" }), "NOT_FOUND");
  });

  it("R-SEC-2: Alice cannot see Bob's or Acme's vouchers (NOT_FOUND, same message as a voucher that does not exist)", async () => {
    const alice = as("u-alice");
    const missing = await expectTRPCError(alice.coupons.get({ id: "CP-ZZZZ-ZZZZ" }), "NOT_FOUND");
    for (const id of ["CP-BOB0-0200", "cp-bob0-0200", "CP-ACME-0101", "CP-POOL-0102", "CP-DAVE-0400"]) {
      for (const call of [
        () => alice.coupons.get({ id }),
        () => alice.coupons.history({ id }),
        () => alice.coupons.series({ id }),
      ]) {
        const e = await expectTRPCError(call, "NOT_FOUND");
        expect(e.message).toBe(missing.message);
      }
    }
    const missingHistory = await expectTRPCError(alice.coupons.history({ id: "CP-ZZZZ-ZZZZ" }), "NOT_FOUND");
    expect(missingHistory.message).toBe(missing.message);
  });

  it("R-SEC-2/R-ENT-3: another account's list and totals are NOT_FOUND, like an account that does not exist", async () => {
    const alice = as("u-alice");
    const unknown = await expectTRPCError(alice.coupons.list({ accountId: "9999999999999999" }), "NOT_FOUND");
    for (const accountId of [ACCOUNTS.bob, ACCOUNTS.acme, ACCOUNTS.dave, ACCOUNTS.operator]) {
      const e = await expectTRPCError(alice.coupons.list({ accountId }), "NOT_FOUND");
      expect(e.message).toBe(unknown.message);
      await expectTRPCError(alice.coupons.totals({ accountId }), "NOT_FOUND");
    }
    // Alice's own list holds only her vouchers.
    const own = await alice.coupons.list({ limit: 100 });
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((i) => i.accountId === ACCOUNTS.alice)).toBe(true);
  });

  it("R-ENT-3: the Acme admin (cards_and_coupons on the financial account) sees Bob and Carol but not Dave", async () => {
    const admin = as("u-acme-admin");
    for (const accountId of [ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol]) {
      const page = await admin.coupons.list({ accountId, limit: 100 });
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((i) => i.accountId === accountId)).toBe(true);
      expect((await admin.coupons.totals({ accountId })).length).toBe(1);
    }
    expect((await admin.coupons.list({ accountId: ACCOUNTS.bob })).items.map((i) => i.id)).toContain(
      "CP-BOB0-0200",
    );
    expect((await admin.coupons.get({ id: "CP-BOB0-0200" })).accountId).toBe(ACCOUNTS.bob);
    expect((await admin.coupons.history({ id: "CP-CARL-0300" })).items.length).toBeGreaterThan(0);

    await expectTRPCError(admin.coupons.list({ accountId: ACCOUNTS.dave }), "NOT_FOUND");
    await expectTRPCError(admin.coupons.totals({ accountId: ACCOUNTS.dave }), "NOT_FOUND");
    await expectTRPCError(admin.coupons.get({ id: "CP-DAVE-0400" }), "NOT_FOUND");
    await expectTRPCError(admin.coupons.history({ id: "CP-DAVE-0400" }), "NOT_FOUND");
    await expectTRPCError(admin.coupons.series({ id: "CP-DAVE-0400" }), "NOT_FOUND");
    await expectTRPCError(admin.coupons.list({ accountId: ACCOUNTS.alice }), "NOT_FOUND");
  });

  it("R-ENT-3: revoking the permission or ending the financial relationship closes every path", async () => {
    const admin = as("u-acme-admin");
    await handle.db.execute(
      sql`UPDATE admin_permissions SET revoked = true WHERE user_id = 'u-acme-admin' AND permission = 'cards_and_coupons'`,
    );
    try {
      await expectTRPCError(admin.coupons.list({ accountId: ACCOUNTS.bob }), "NOT_FOUND");
      await expectTRPCError(admin.coupons.get({ id: "CP-BOB0-0200" }), "NOT_FOUND");
      // The admin's own account stays visible.
      expect((await admin.coupons.list({})).items.length).toBeGreaterThan(0);
    } finally {
      await handle.db.execute(
        sql`UPDATE admin_permissions SET revoked = false WHERE user_id = 'u-acme-admin'`,
      );
    }
    await handle.db.execute(
      sql`UPDATE financial_relationships SET ended_at = now() WHERE id = 'fr-acme-carol'`,
    );
    try {
      await expectTRPCError(admin.coupons.list({ accountId: ACCOUNTS.carol }), "NOT_FOUND");
      await expectTRPCError(admin.coupons.history({ id: "CP-CARL-0300" }), "NOT_FOUND");
      expect((await admin.coupons.list({ accountId: ACCOUNTS.bob })).items.length).toBeGreaterThan(0);
    } finally {
      await handle.db.execute(
        sql`UPDATE financial_relationships SET ended_at = NULL WHERE id = 'fr-acme-carol'`,
      );
    }
  });

  it("R-SEC-2: another account's order is NOT_FOUND on every orders path, like an order that does not exist", async () => {
    const [bobOrder] = await rows<{ id: string }>(
      handle.db,
      sql`SELECT id FROM orders WHERE account_id = ${ACCOUNTS.bob} ORDER BY id LIMIT 1`,
    );
    const id = bobOrder?.id ?? "";
    expect(id).toMatch(/^ORD-/);
    const alice = as("u-alice");
    const before = await snapshot(handle.db);
    const missing = await expectTRPCError(alice.orders.get({ id: "ORD-999999999" }), "NOT_FOUND");
    for (const call of [
      () => alice.orders.get({ id }),
      () => alice.orders.paymentOptions({ id }),
      () => alice.orders.renew({ id }),
      () =>
        alice.orders.pay({
          orderId: id,
          couponId: null,
          expectedDeductionMinor: 0,
          idempotencyKey: "sec-test-foreign-pay",
        }),
      () => as("u-acme-admin").orders.get({ id }),
    ]) {
      const e = await expectTRPCError(call, "NOT_FOUND");
      expect(e.message).toBe(missing.message);
    }
    expect(await snapshot(handle.db)).toEqual(before);
    expect((await as("u-bob").orders.get({ id })).id).toBe(id);
    const list = await alice.orders.list({ limit: 100 });
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((o) => o.accountId === ACCOUNTS.alice)).toBe(true);
  });

  it("R-ENT-4: the account filter offers exactly the accounts the caller may see", async () => {
    const ids = async (u: DemoUserId) => (await as(u).coupons.accounts()).map((a) => a.id);
    expect(await ids("u-alice")).toEqual([ACCOUNTS.alice]);
    expect(await ids("u-bob")).toEqual([ACCOUNTS.bob]);
    expect(await ids("u-dave")).toEqual([ACCOUNTS.dave]);
    expect((await ids("u-acme-admin")).sort()).toEqual([ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol].sort());
    expect((await ids("u-acme-admin"))[0]).toBe(ACCOUNTS.acme);
    expect((await ids("u-operator")).sort()).toEqual(Object.values(ACCOUNTS).sort());
  });

  it('R-LIST-5/R-ENT-3: accountId "all" covers exactly the accounts the caller may see', async () => {
    const accountsOf = async (u: DemoUserId) =>
      new Set((await as(u).coupons.list({ accountId: "all", limit: 100 })).items.map((i) => i.accountId));
    expect(await accountsOf("u-alice")).toEqual(new Set([ACCOUNTS.alice]));
    expect(await accountsOf("u-dave")).toEqual(new Set([ACCOUNTS.dave]));
    expect(await accountsOf("u-acme-admin")).toEqual(new Set([ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol]));
    const totals = await as("u-acme-admin").coupons.totals({ accountId: "all" });
    const single = await Promise.all(
      [ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol].map((accountId) =>
        as("u-acme-admin").coupons.totals({ accountId }),
      ),
    );
    expect(totals[0]?.listCount).toBe(single.reduce((n, t) => n + (t[0]?.listCount ?? 0), 0));
    // A voucher shared with Bob and Carol is spendable by each, but counted once in "All".
    expect(totals[0]?.spendableMinor).toBeLessThanOrEqual(
      single.reduce((n, t) => n + (t[0]?.spendableMinor ?? 0), 0),
    );
    // The operator picks one account; "all" of every customer is not offered.
    await expectTRPCError(as("u-operator").coupons.list({ accountId: "all" }), "BAD_REQUEST");
  });

  it("R-POOL-3: coupons.shared lists the vouchers shared with the caller's account, and only those", async () => {
    const ids = async (u: DemoUserId) => (await as(u).coupons.shared()).map((c) => c.id).sort();
    expect(await ids("u-bob")).toEqual(["CP-POOL-0102", "CP-POOL-0103"]);
    expect(await ids("u-carol")).toEqual(["CP-POOL-0102"]);
    expect(await ids("u-dave")).toEqual([]);
    expect(await ids("u-alice")).toEqual([]);
  });

  it("R-POOL-3/R-SEC-2: a shared pool voucher is visible to the accounts it is shared with, and only to them", async () => {
    const bob = as("u-bob");
    const pool = await bob.coupons.get({ id: "CP-POOL-0102" });
    expect(pool.shared).toBe(true);
    expect(pool.sharedWith.map((s) => s.accountId)).toEqual([ACCOUNTS.bob, ACCOUNTS.carol]);
    expect((await bob.coupons.history({ id: "CP-POOL-0102" })).items.length).toBeGreaterThan(0);
    expect((await bob.coupons.series({ id: "CP-POOL-0102" })).length).toBeGreaterThan(0);
    expect((await as("u-carol").coupons.get({ id: "CP-POOL-0102" })).id).toBe("CP-POOL-0102");
    expect((await bob.coupons.get({ id: "CP-POOL-0103" })).status).toBe("Reclaimed");

    const dave = as("u-dave");
    for (const call of [
      () => dave.coupons.get({ id: "CP-POOL-0102" }),
      () => dave.coupons.history({ id: "CP-POOL-0102" }),
      () => dave.coupons.series({ id: "CP-POOL-0102" }),
      () => as("u-carol").coupons.get({ id: "CP-POOL-0103" }),
      () => as("u-alice").coupons.get({ id: "CP-POOL-0102" }),
    ]) {
      await expectTRPCError(call, "NOT_FOUND");
    }
    // Sharing a voucher grants that voucher, not the owner's account.
    await expectTRPCError(bob.coupons.list({ accountId: ACCOUNTS.acme }), "NOT_FOUND");
    await expectTRPCError(bob.coupons.get({ id: "CP-ACME-0101" }), "NOT_FOUND");
    // Members do not see each other.
    await expectTRPCError(bob.coupons.get({ id: "CP-CARL-0300" }), "NOT_FOUND");
    await expectTRPCError(dave.coupons.list({ accountId: ACCOUNTS.acme }), "NOT_FOUND");
  });
});
