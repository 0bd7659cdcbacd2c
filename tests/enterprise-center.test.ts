import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import type { SessionUser } from "@/server/auth/session";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import {
  assertPoolConservation,
  callerAs,
  generateArgs,
  key,
  makeUser,
  poolSnapshot,
} from "./enterprise-helpers";
import { callerFor, expectTRPCError } from "./helpers";
import { assertLedgerInvariant } from "./invariants";

const drivers = await testDatabases();
const EVE = {
  userId: "u-test-eve",
  email: "eve@example.test",
  accountId: "5000000000000901",
  accountName: "Eve Test",
};
const FRANK = {
  userId: "u-test-frank",
  email: "frank@example.test",
  accountId: "5000000000000902",
  accountName: "Frank Test",
};

describe.each(eachDriver(drivers))("[%s] Enterprise Account Center", (_name, driver) => {
  let handle: DatabaseHandle;
  let eve: SessionUser;
  let frank: SessionUser;
  const as = (u: Parameters<typeof callerFor>[1]) => callerFor(handle, u);

  beforeAll(async () => {
    handle = await seededDatabase(driver);
    eve = await makeUser(handle.db, EVE, { newAccount: true });
    frank = await makeUser(handle.db, FRANK, { newAccount: true });
  });
  afterEach(async () => {
    await assertPoolConservation(handle);
    await assertLedgerInvariant(handle);
  });
  afterAll(() => driver.closeAll());

  it("R-ENT-1: before enabling, every enterprise and pool procedure says to enable it first, and changes nothing", async () => {
    const c = callerAs(handle, frank);
    const snap = await poolSnapshot(handle.db);
    const calls: (() => Promise<unknown>)[] = [
      () => c.enterprise.get(),
      () => c.enterprise.invite({ accountId: ACCOUNTS.dave }),
      () => c.enterprise.removeMember({ accountId: ACCOUNTS.bob }),
      () => c.enterprise.manage({ accountId: ACCOUNTS.bob }),
      () => c.enterprise.unmanage({ accountId: ACCOUNTS.bob }),
      () => c.enterprise.grant({ userId: "u-acme-finance", permission: "quota_pool" }),
      () => c.enterprise.revoke({ userId: "u-acme-finance", permission: "quota_pool" }),
      () => c.enterprise.audit({}),
      () => c.quotaPool.overview(),
      () => c.quotaPool.movable(),
      () => c.quotaPool.vouchers({}),
      () => c.quotaPool.moveIn({ couponId: "CP-ACME-0101", idempotencyKey: key() }),
      () => c.quotaPool.generate(generateArgs()),
      () => c.quotaPool.assign({ couponId: "CP-POOL-0102", accountIds: [ACCOUNTS.bob] }),
      () => c.quotaPool.reclaim({ couponId: "CP-POOL-0102", idempotencyKey: key() }),
    ];
    for (const call of calls) {
      const e = await expectTRPCError(call, "FORBIDDEN");
      expect(e.message).toMatch(/^Enable the Enterprise Account Center first/);
    }
    expect(await c.enterprise.status()).toMatchObject({ role: "none", enterprise: null, invitations: [] });
    expect(await poolSnapshot(handle.db)).toEqual(snap);
  });

  it("R-ENT-1 R-ENT-2 R-POOL-1: enable, invite, accept, manage, use the pool, remove — each step audited", async () => {
    const f = callerAs(handle, frank);
    const e = callerAs(handle, eve);
    const enabled = await f.enterprise.enable({ name: "Frank Holdings" });
    const status = await f.enterprise.status();
    expect(status).toMatchObject({
      role: "master",
      enterprise: { id: enabled.id, name: "Frank Holdings", isOwner: true },
    });
    expect([...status.permissions].sort()).toEqual([
      "bills",
      "cards_and_coupons",
      "invoices",
      "orders",
      "quota_pool",
    ]);
    await expectTRPCError(f.enterprise.enable({}), "CONFLICT");

    // Invitations: an unknown account is not found; Acme's members and master already belong to an enterprise.
    await expectTRPCError(f.enterprise.invite({ accountId: "9999999999999999" }), "NOT_FOUND");
    await expectTRPCError(f.enterprise.invite({ accountId: ACCOUNTS.bob }), "CONFLICT");
    await expectTRPCError(f.enterprise.invite({ accountId: ACCOUNTS.acme }), "CONFLICT");
    await expectTRPCError(f.enterprise.invite({ accountId: FRANK.accountId }), "BAD_REQUEST");
    await f.enterprise.invite({ accountId: EVE.accountId });
    await f.enterprise.invite({ accountId: EVE.accountId }); // twice is harmless
    expect((await e.enterprise.status()).invitations.map((i) => i.enterpriseId)).toEqual([enabled.id]);
    // Only Eve's account can accept; someone else gets "not found".
    await expectTRPCError(as("u-alice").enterprise.accept({ enterpriseId: enabled.id }), "NOT_FOUND");

    // The pool needs a financial management relationship (R-POOL-1).
    const noRel = await expectTRPCError(f.quotaPool.overview(), "PRECONDITION_FAILED");
    expect(noRel.message).toMatch(/financial management relationship/);
    await expectTRPCError(f.enterprise.manage({ accountId: EVE.accountId }), "NOT_FOUND"); // not active yet
    await e.enterprise.accept({ enterpriseId: enabled.id });
    await expectTRPCError(e.enterprise.accept({ enterpriseId: enabled.id }), "NOT_FOUND");
    expect(await e.enterprise.status()).toMatchObject({
      role: "member",
      memberOf: { enterpriseId: enabled.id, managed: false },
    });
    await f.enterprise.manage({ accountId: EVE.accountId });
    expect((await e.enterprise.status()).memberOf?.managed).toBe(true);
    const detail = await f.enterprise.get();
    expect(detail.members).toMatchObject([{ accountId: EVE.accountId, status: "active", managed: true }]);

    // An empty pool: generating anything is refused; a moved-in voucher funds it.
    const o = await f.quotaPool.overview();
    expect(o).toMatchObject({ fundsMinor: 0, assignable: [{ accountId: EVE.accountId }] });
    await expectTRPCError(f.quotaPool.generate(generateArgs({ amount: "0.01" })), "CONFLICT");
    const issued = await as("u-operator").operator.issue({
      accountId: FRANK.accountId,
      nominal: "25.00",
      effectiveFrom: "2020-01-01",
      expiresOn: "2099-12-31",
      idempotencyKey: key(),
    });
    expect((await f.quotaPool.movable()).map((v) => v.id)).toEqual([issued.id]);
    await f.quotaPool.moveIn({ couponId: issued.id, idempotencyKey: key() });
    const gen = await f.quotaPool.generate(
      generateArgs({ amount: "10.00", quantity: 2, assignTo: [EVE.accountId] }),
    );
    expect((await f.quotaPool.overview()).fundsMinor).toBe(500);
    // Eve may use the shared vouchers on her payment page.
    const order = await e.orders.create({
      productCode: "oss",
      paymentType: "Subscription",
      transactionType: "New Purchase",
      amount: "3.00",
    });
    const options = await e.orders.paymentOptions({ id: order.id });
    expect(options.applicable.map((v) => v.id).sort()).toEqual([...gen.ids].sort());

    // Removing Eve ends the relationship and her shares.
    await f.enterprise.removeMember({ accountId: EVE.accountId });
    expect(await e.enterprise.status()).toMatchObject({ role: "none", memberOf: null });
    const [shares] = await rows<{ n: string }>(
      handle.db,
      sql`SELECT count(*)::text AS n FROM coupon_shares WHERE account_id = ${EVE.accountId}`,
    );
    expect(shares?.n).toBe("0");
    expect((await e.orders.paymentOptions({ id: order.id })).applicable).toEqual([]);
    await expectTRPCError(f.enterprise.removeMember({ accountId: EVE.accountId }), "NOT_FOUND");

    const log = await f.enterprise.audit({ limit: 100 });
    expect(log.items.map((a) => a.action).reverse()).toEqual([
      "enterprise.enable",
      "enterprise.invite",
      "enterprise.accept",
      "enterprise.relationship_start",
      "pool.move_in",
      "pool.generate",
      "pool.generate",
      "enterprise.remove_member",
    ]);
    expect(log.items.find((a) => a.action === "enterprise.accept")?.actorEmail).toBe(EVE.email);
    expect(log.items.find((a) => a.action === "pool.move_in")).toMatchObject({
      beforeMinor: 0,
      afterMinor: 2500,
    });
    // Acme's log holds none of it.
    const acme = await as("u-acme-admin").enterprise.audit({ limit: 100 });
    expect(acme.items.some((a) => a.targetId === EVE.accountId || a.targetId === issued.id)).toBe(false);
  });

  it("R-ENT-2: ending a relationship removes the member's pool shares; the member stays", async () => {
    const admin = as("u-acme-admin");
    const { ids } = await admin.quotaPool.generate(
      generateArgs({ amount: "1.00", assignTo: [ACCOUNTS.carol] }),
    );
    await admin.enterprise.unmanage({ accountId: ACCOUNTS.carol });
    try {
      expect((await admin.coupons.get({ id: ids[0] ?? "" })).sharedWith).toEqual([]);
      expect((await admin.quotaPool.overview()).assignable.map((a) => a.accountId)).toEqual([ACCOUNTS.bob]);
      await expectTRPCError(
        admin.quotaPool.assign({ couponId: ids[0] ?? "", accountIds: [ACCOUNTS.carol] }),
        "NOT_FOUND",
      );
      await expectTRPCError(admin.enterprise.unmanage({ accountId: ACCOUNTS.carol }), "NOT_FOUND");
      expect(
        (await admin.enterprise.get()).members.find((m) => m.accountId === ACCOUNTS.carol),
      ).toMatchObject({
        status: "active",
        managed: false,
      });
    } finally {
      await admin.enterprise.manage({ accountId: ACCOUNTS.carol });
    }
    expect((await admin.quotaPool.overview()).assignable.map((a) => a.accountId)).toEqual([
      ACCOUNTS.bob,
      ACCOUNTS.carol,
    ]);
  });

  it("R-ENT-3: the owner grants and revokes; the next request sees it; others cannot change permissions", async () => {
    const admin = as("u-acme-admin");
    const finance = as("u-acme-finance");
    expect((await finance.quotaPool.overview()).fundsMinor).toBeGreaterThan(0);
    await admin.enterprise.revoke({ userId: "u-acme-finance", permission: "quota_pool" });
    const e = await expectTRPCError(finance.quotaPool.overview(), "FORBIDDEN");
    expect(e.message).toMatch(/Coupon Quota Pool permission/);
    await expectTRPCError(finance.enterprise.audit({}), "FORBIDDEN");
    // Revoking again changes nothing and writes no audit row.
    const before = await poolSnapshot(handle.db);
    expect(
      (await admin.enterprise.revoke({ userId: "u-acme-finance", permission: "quota_pool" })).changed,
    ).toBe(false);
    expect(await poolSnapshot(handle.db)).toEqual(before);
    await admin.enterprise.grant({ userId: "u-acme-finance", permission: "quota_pool" });
    expect((await finance.quotaPool.overview()).fundsMinor).toBeGreaterThan(0);

    // Cards and Coupons, granted a moment ago, opens Bob's vouchers to finance; revoked, closes them.
    await expectTRPCError(finance.coupons.list({ accountId: ACCOUNTS.bob }), "NOT_FOUND");
    await admin.enterprise.grant({ userId: "u-acme-finance", permission: "cards_and_coupons" });
    expect((await finance.coupons.list({ accountId: ACCOUNTS.bob })).items.length).toBeGreaterThan(0);
    await admin.enterprise.revoke({ userId: "u-acme-finance", permission: "cards_and_coupons" });
    await expectTRPCError(finance.coupons.list({ accountId: ACCOUNTS.bob }), "NOT_FOUND");

    // Only the owner changes permissions; the target must be an administrator of this financial account.
    const snap = await poolSnapshot(handle.db);
    await expectTRPCError(
      finance.enterprise.grant({ userId: "u-acme-finance", permission: "cards_and_coupons" }),
      "FORBIDDEN",
    );
    await expectTRPCError(admin.enterprise.grant({ userId: "u-bob", permission: "quota_pool" }), "NOT_FOUND");
    await expectTRPCError(
      admin.enterprise.grant({ userId: "u-alice", permission: "quota_pool" }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      as("u-bob").enterprise.grant({ userId: "u-bob", permission: "quota_pool" }),
      "FORBIDDEN",
    );
    expect(await poolSnapshot(handle.db)).toEqual(snap);

    const log = await admin.enterprise.audit({ limit: 5 });
    expect(log.items.map((a) => [a.action, a.targetId, a.details.permission])).toEqual([
      ["permission.revoke", "u-acme-finance", "cards_and_coupons"],
      ["permission.grant", "u-acme-finance", "cards_and_coupons"],
      ["permission.grant", "u-acme-finance", "quota_pool"],
      ["permission.revoke", "u-acme-finance", "quota_pool"],
      expect.anything(),
    ]);
  });

  it("R-ENT-1: members see their enterprise but not its administration", async () => {
    const bob = as("u-bob");
    expect(await bob.enterprise.status()).toMatchObject({
      role: "member",
      memberOf: { enterpriseId: "ent-acme", managed: true },
    });
    expect((await as("u-dave").enterprise.status()).memberOf?.managed).toBe(false);
    for (const call of [
      () => bob.enterprise.get(),
      () => bob.quotaPool.overview(),
      () => bob.enterprise.audit({}),
    ]) {
      const e = await expectTRPCError(call, "FORBIDDEN");
      expect(e.message).toMatch(/Only administrators/);
    }
    await expectTRPCError(bob.enterprise.enable({}), "CONFLICT");
  });
});
