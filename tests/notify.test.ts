/**
 * Expiry notifications (R-NOTIFY-1), the forecast (R-FORECAST-1) and the notification centre's rights
 * (R-SEC-1), on PGlite and PostgreSQL. Each test makes its own accounts and vouchers in a seeded world.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { expiryScan } from "@/server/notifications/service";
import { postVoucher } from "@/server/vouchers/ledger";
import { expiryForecast } from "@/server/vouchers/forecast";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { callerAs } from "./enterprise-helpers";
import { dbNow, expectTRPCError } from "./helpers";
import { newAccountUser, noticesOf, uid } from "./notify-helpers";
import { insertPendingOrders, insertVoucher } from "./orders-helpers";

const drivers = await testDatabases();
const DAY = 86_400_000;
const days = (at: Date, n: number) => new Date(at.getTime() + n * DAY);
const expiresIn = (at: Date, n: number) => sql`${days(at, n).toISOString()}::timestamptz`;

describe.each(eachDriver(drivers))("[%s] expiry notifications", (_name, driver) => {
  let handle: DatabaseHandle;
  let now: Date;
  beforeAll(async () => {
    handle = await seededDatabase(driver);
    now = await dbNow(handle.db);
  });
  afterAll(() => driver.closeAll());

  it("R-NOTIFY-1: each threshold (30, 7, 1 days) is written exactly once per voucher and account", async () => {
    const db = handle.db;
    const a = await newAccountUser(db);
    const v = `CP-N${uid()}`;
    await insertVoucher(db, {
      id: v,
      accountId: a.accountId,
      nominalMinor: 1250,
      expiresAt: expiresIn(now, 20),
    });
    await expiryScan(db, now);
    await expiryScan(db, now);
    expect((await noticesOf(db, [v])).map((n) => n.threshold_days)).toEqual([30]);
    await expiryScan(db, days(now, 13)); // 7 days left
    await expiryScan(db, days(now, 14));
    await expiryScan(db, days(now, 19.5)); // 12 hours left
    await expiryScan(db, days(now, 19.9));
    await expiryScan(db, days(now, 20)); // expired: nothing more
    const all = await noticesOf(db, [v]);
    expect(all.map((n) => n.threshold_days)).toEqual([30, 7, 1]);
    expect(all.every((n) => n.account_id === a.accountId && n.balance_minor === "1250")).toBe(true);
  });

  it("R-NOTIFY-1: a voucher first seen 5 days before expiry gets the 7-day notice only, not a late 30-day one", async () => {
    const db = handle.db;
    const a = await newAccountUser(db);
    const v = `CP-N${uid()}`;
    await insertVoucher(db, {
      id: v,
      accountId: a.accountId,
      nominalMinor: 500,
      expiresAt: expiresIn(now, 5),
    });
    await expiryScan(db, now);
    expect((await noticesOf(db, [v])).map((n) => n.threshold_days)).toEqual([7]);
  });

  it("R-NOTIFY-1: exactly once under four concurrent scanners", async () => {
    const db = handle.db;
    const a = await newAccountUser(db);
    const b = await newAccountUser(db);
    const ids = Array.from({ length: 40 }, (_, i) => `CP-C${uid()}${i}`);
    for (const [i, id] of ids.entries()) {
      await insertVoucher(db, {
        id,
        accountId: a.accountId,
        nominalMinor: 100 + i,
        expiresAt: expiresIn(now, 1 + (i % 29)),
        ...(i % 3 === 0 ? { sharedWith: [b.accountId] } : {}),
      });
    }
    const at = days(now, 0.5);
    const written = await Promise.all([1, 2, 3, 4].map(() => expiryScan(db, at)));
    const notices = await noticesOf(db, ids);
    expect(notices.length).toBe(40 + 14); // every voucher for its owner, every third also for b
    const keys = new Set(
      notices.map((n) => `${n.coupon_id}/${n.account_id}/${n.threshold_days}/${n.generation}`),
    );
    expect(keys.size).toBe(notices.length);
    // Concurrent scanners split the work; together they wrote each notice once (others' vouchers aside).
    expect(written.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(notices.length);
    expect(await expiryScan(db, at)).toBe(0);
  });

  it("R-NOTIFY-1: a shared voucher is noticed for its owner and every account it is shared with", async () => {
    const db = handle.db;
    const owner = await newAccountUser(db);
    const b = await newAccountUser(db);
    const c = await newAccountUser(db);
    const v = `CP-S${uid()}`;
    await insertVoucher(db, {
      id: v,
      accountId: owner.accountId,
      nominalMinor: 3000,
      expiresAt: expiresIn(now, 6),
      sharedWith: [b.accountId, c.accountId],
    });
    await expiryScan(db, now);
    await expiryScan(db, now);
    const notices = await noticesOf(db, [v]);
    expect(notices.map((n) => n.account_id).sort()).toEqual(
      [owner.accountId, b.accountId, c.accountId].sort(),
    );
    expect(notices.every((n) => n.threshold_days === 7)).toBe(true);
    // Each holder sees it in its own list.
    for (const holder of [owner, b, c]) {
      const page = await callerAs(handle, holder.session).notifications.list({});
      expect(page.items.map((i) => i.couponId)).toContain(v);
    }
  });

  it("R-NOTIFY-1: used-up, reclaimed, expired, not-yet-effective and discount coupons are never noticed", async () => {
    const db = handle.db;
    const a = await newAccountUser(db);
    const [usedUp, reclaimed, expired, future] = ["U", "R", "E", "F"].map((k) => `CP-X${k}${uid()}`) as [
      string,
      string,
      string,
      string,
    ];
    await insertVoucher(db, {
      id: usedUp,
      accountId: a.accountId,
      nominalMinor: 800,
      expiresAt: expiresIn(now, 3),
    });
    await insertVoucher(db, {
      id: reclaimed,
      accountId: a.accountId,
      nominalMinor: 800,
      expiresAt: expiresIn(now, 3),
    });
    await insertVoucher(db, {
      id: expired,
      accountId: a.accountId,
      nominalMinor: 800,
      effectiveFrom: sql`${days(now, -20).toISOString()}::timestamptz`,
      expiresAt: expiresIn(now, -1),
    });
    await insertVoucher(db, {
      id: future,
      accountId: a.accountId,
      nominalMinor: 800,
      effectiveFrom: sql`${days(now, 2).toISOString()}::timestamptz`,
      expiresAt: expiresIn(now, 10),
    });
    await db.transaction(async (tx) => {
      await postVoucher(tx, {
        couponId: usedUp,
        type: "Deduction",
        amountMinor: 800,
        accountId: a.accountId,
        actorUserId: null,
      });
      await postVoucher(tx, {
        couponId: reclaimed,
        type: "Reclaim",
        amountMinor: 300,
        accountId: a.accountId,
        actorUserId: null,
        reclaim: true,
      });
    });
    await expiryScan(db, now);
    expect(await noticesOf(db, [usedUp, reclaimed, expired, future])).toEqual([]);
    // The not-yet-effective one is noticed once it is effective.
    await expiryScan(db, days(now, 2.5));
    expect((await noticesOf(db, [future])).map((n) => n.threshold_days)).toEqual([30]);
  });

  it("R-NOTIFY-1: a voucher topped up by a refund is re-armed: its current threshold is noticed again, once", async () => {
    const db = handle.db;
    const a = await newAccountUser(db);
    const v = `CP-F${uid()}`;
    await insertVoucher(db, {
      id: v,
      accountId: a.accountId,
      nominalMinor: 2000,
      expiresAt: expiresIn(now, 6),
    });
    await expiryScan(db, now);
    await db.transaction((tx) =>
      postVoucher(tx, {
        couponId: v,
        type: "Deduction",
        amountMinor: 2000,
        accountId: a.accountId,
        actorUserId: null,
      }),
    );
    await expiryScan(db, now); // used up: nothing
    await db.transaction((tx) =>
      postVoucher(tx, {
        couponId: v,
        type: "Refund",
        amountMinor: 750,
        accountId: a.accountId,
        actorUserId: null,
      }),
    );
    await expiryScan(db, now);
    await expiryScan(db, now);
    const notices = await noticesOf(db, [v]);
    expect(notices.map((n) => [n.threshold_days, n.generation, n.balance_minor])).toEqual([
      [7, 0, "2000"],
      [7, 1, "750"],
    ]);
    await expiryScan(db, days(now, 5.5));
    expect((await noticesOf(db, [v])).map((n) => [n.threshold_days, n.generation])).toEqual([
      [7, 0],
      [7, 1],
      [1, 1],
    ]);
  });

  it("R-NOTIFY-1, R-SEC-1: the list, mark read and 'use it now'; another account's notice is not found", async () => {
    const db = handle.db;
    const a = await newAccountUser(db);
    const b = await newAccountUser(db);
    const v = `CP-L${uid()}`;
    await insertVoucher(db, {
      id: v,
      accountId: a.accountId,
      nominalMinor: 1250,
      expiresAt: expiresIn(now, 7),
    });
    const fits = `O-N${uid()}`;
    const tooSmall = `O-M${uid()}`;
    await insertPendingOrders(db, [{ id: fits, accountId: a.accountId, amountMinor: 5000 }]);
    await db.execute(sql`UPDATE coupons SET min_order_minor = 3000 WHERE id = ${v}`);
    await insertPendingOrders(db, [{ id: tooSmall, accountId: a.accountId, amountMinor: 1000 }]);
    await expiryScan(db, now);
    const alice = callerAs(handle, a.session);
    const page = await alice.notifications.list({});
    const item = page.items.find((i) => i.couponId === v);
    expect(item).toMatchObject({
      thresholdDays: 7,
      balanceMinor: 1250,
      read: false,
      status: "Available",
      orderId: fits,
    });
    expect(await alice.notifications.unreadCount()).toBe(1);
    if (!item) return;

    const other = callerAs(handle, b.session);
    await expectTRPCError(other.notifications.markRead({ id: item.id }), "NOT_FOUND");
    await expectTRPCError(other.notifications.markRead({ id: 999_999_999 }), "NOT_FOUND");
    expect((await other.notifications.list({})).items).toEqual([]);
    expect(await other.notifications.unreadCount()).toBe(0);
    await expectTRPCError(callerAs(handle, null).notifications.list({}), "UNAUTHORIZED");
    await expectTRPCError(callerAs(handle, null).notifications.markRead({ id: item.id }), "UNAUTHORIZED");
    await expectTRPCError(callerAs(handle, null).notifications.markAllRead(), "UNAUTHORIZED");
    await expectTRPCError(
      callerAs(handle, null).notifications.setPreference({ emailDigest: "off" }),
      "UNAUTHORIZED",
    );
    expect(await alice.notifications.unreadCount()).toBe(1); // b's attempt changed nothing

    expect(await alice.notifications.markRead({ id: item.id })).toEqual({ id: item.id, unread: 0 });
    expect((await alice.notifications.list({})).items.find((i) => i.id === item.id)?.read).toBe(true);
    await expectTRPCError(alice.notifications.markRead({ id: -1 }), "BAD_REQUEST");

    // The preference is the caller's own.
    expect(await alice.notifications.setPreference({ emailDigest: "immediate" })).toEqual({
      emailDigest: "immediate",
    });
    expect((await alice.notifications.preference()).emailDigest).toBe("immediate");
    expect((await other.notifications.preference()).emailDigest).toBe("daily");
    await expectTRPCError(
      alice.notifications.setPreference({ emailDigest: "hourly" as never }),
      "BAD_REQUEST",
    );
  });

  it("R-FORECAST-1: at the last 30 days' spending, balance that will expire unused per voucher and in total", async () => {
    const db = handle.db;
    const a = await newAccountUser(db);
    const [spent, v1, v2, far] = ["S", "A", "B", "Z"].map((k) => `CP-P${k}${uid()}`) as [
      string,
      string,
      string,
      string,
    ];
    await insertVoucher(db, {
      id: spent,
      accountId: a.accountId,
      nominalMinor: 6000,
      expiresAt: expiresIn(now, 100),
    });
    await insertVoucher(db, {
      id: v1,
      accountId: a.accountId,
      nominalMinor: 10000,
      expiresAt: expiresIn(now, 10),
    });
    await insertVoucher(db, {
      id: v2,
      accountId: a.accountId,
      nominalMinor: 5000,
      expiresAt: expiresIn(now, 20),
    });
    // $60 spent in the last 30 days (and $500 before that, which does not count).
    await db.transaction(async (tx) => {
      await postVoucher(tx, {
        couponId: spent,
        type: "Deduction",
        amountMinor: 6000,
        accountId: a.accountId,
        actorUserId: null,
        at: days(now, -5).toISOString(),
      });
    });
    // Rate: $2.00 a day. By v1's expiry $20 is spent from it: $80 expires unused. Then $20 more from
    // v2 by its expiry: $30 of it expires unused. Total $110 by v2's expiry.
    const f = await expiryForecast(db, a.accountId, now);
    expect(f.totals).toEqual([
      { currency: "USD", spent30dMinor: 6000, unusedMinor: 11000, by: days(now, 20).toISOString() },
    ]);
    expect(f.vouchers.map((x) => [x.id, x.unusedMinor])).toEqual([
      [v1, 8000],
      [v2, 3000],
    ]);
    // A voucher expiring 60 days out: after v2 expires, 40 days of spending ($80) reach its $10.
    await insertVoucher(db, {
      id: far,
      accountId: a.accountId,
      nominalMinor: 1000,
      expiresAt: expiresIn(now, 60),
    });
    const g = await expiryForecast(db, a.accountId, now);
    expect(g.totals[0]?.unusedMinor).toBe(11000);
    expect(g.vouchers.map((x) => x.id)).toEqual([v1, v2]);
    // No spending at all: every balance expires unused.
    const idle = await newAccountUser(db);
    const lone = `CP-PL${uid()}`;
    await insertVoucher(db, {
      id: lone,
      accountId: idle.accountId,
      nominalMinor: 999,
      expiresAt: expiresIn(now, 3),
    });
    expect((await expiryForecast(db, idle.accountId, now)).totals).toEqual([
      { currency: "USD", spent30dMinor: 0, unusedMinor: 999, by: days(now, 3).toISOString() },
    ]);
    // Through the procedure: own account only; another account is not found.
    const own = await callerAs(handle, idle.session).coupons.forecast({});
    expect(own?.totals[0]?.unusedMinor).toBe(999);
    await expectTRPCError(
      callerAs(handle, idle.session).coupons.forecast({ accountId: a.accountId }),
      "NOT_FOUND",
    );
  });
});
