import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { type CouponStatus, deriveStatusOracle } from "@/server/vouchers/rules";
import {
  type ListFilters,
  type ListInput,
  listOutput,
  SORT_KEYS,
  STATUS_FILTERS,
  TYPE_FILTERS,
} from "@/server/vouchers/schema";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, type DemoUserId, dbNow } from "../helpers";

const drivers = await testDatabases();

type OracleRow = {
  id: string;
  couponType: string;
  currency: string;
  balance: number;
  effectiveFrom: number;
  expiresAt: number;
  issuedAt: number;
  reclaimedAt: number | null;
  status: CouponStatus;
};

const DAY = 86_400_000;

/** Every coupon of the account, straight from the table, with status derived in JS by deriveStatusOracle. */
async function allRows(handle: DatabaseHandle, accountId: string | string[]): Promise<OracleRow[]> {
  const ids = Array.isArray(accountId) ? accountId : [accountId];
  const now = await dbNow(handle.db);
  const found = await rows<Record<string, string | null>>(
    handle.db,
    sql`SELECT id, coupon_type::text AS coupon_type, currency, balance_minor::text AS balance,
               (extract(epoch FROM effective_from) * 1000)::bigint::text AS effective_from,
               (extract(epoch FROM expires_at) * 1000)::bigint::text AS expires_at,
               (extract(epoch FROM issued_at) * 1000)::bigint::text AS issued_at,
               (extract(epoch FROM reclaimed_at) * 1000)::bigint::text AS reclaimed_at
        FROM coupons WHERE account_id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  );
  return found.map((r) => {
    const row = {
      id: String(r.id),
      couponType: String(r.coupon_type),
      currency: String(r.currency),
      balance: Number(r.balance),
      effectiveFrom: Number(r.effective_from),
      expiresAt: Number(r.expires_at),
      issuedAt: Number(r.issued_at),
      reclaimedAt: r.reclaimed_at === null ? null : Number(r.reclaimed_at),
    };
    const status = deriveStatusOracle(
      {
        balanceMinor: row.balance,
        effectiveFrom: new Date(row.effectiveFrom),
        expiresAt: new Date(row.expiresAt),
        reclaimedAt: row.reclaimedAt === null ? null : new Date(row.reclaimedAt),
      },
      now,
    );
    return { ...row, status, now: now.getTime() } as OracleRow & { now: number };
  });
}

function oracleFilter(all: OracleRow[], f: Partial<ListFilters>): OracleRow[] {
  const now = (all[0] as (OracleRow & { now: number }) | undefined)?.now ?? Date.now();
  return all.filter((r) => {
    const type = TYPE_FILTERS[f.type ?? "all"];
    if (type && r.couponType !== type) return false;
    if (f.status && r.status !== STATUS_FILTERS[f.status]) return false;
    if (f.q && !r.id.toLowerCase().includes(f.q.toLowerCase())) return false;
    if (
      f.expiringWithinDays &&
      !(r.status === "Available" && r.expiresAt <= now + f.expiringWithinDays * DAY)
    )
      return false;
    return true;
  });
}

const SORT_VALUE = {
  balance: (r: OracleRow) => r.balance,
  expiry: (r: OracleRow) => r.expiresAt,
  issued: (r: OracleRow) => r.issuedAt,
};

function oracleSort(list: OracleRow[], sort: ListInput["sort"], dir: ListInput["dir"]): string[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...list]
    .sort((a, b) => {
      const d = SORT_VALUE[sort](a) - SORT_VALUE[sort](b);
      if (d !== 0) return sign * d;
      return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    })
    .map((r) => r.id);
}

const FILTERS: Partial<ListFilters>[] = [
  ...(Object.keys(TYPE_FILTERS) as (keyof typeof TYPE_FILTERS)[]).flatMap((type) => [
    { type },
    ...(Object.keys(STATUS_FILTERS) as (keyof typeof STATUS_FILTERS)[]).map((status) => ({ type, status })),
  ]),
  { q: "MORE" },
  { q: "more-00" },
  { q: "7q2m" },
  { q: "cp-" },
  { q: "NO-SUCH-ID" },
  { q: "-" },
  { expiringWithinDays: 7 },
  { expiringWithinDays: 30 },
  { expiringWithinDays: 3650 },
  { type: "cash", status: "available", expiringWithinDays: 30 },
  { type: "discount", q: "disc" },
  { status: "expired", q: "0" },
];

const DIRS = ["asc", "desc"] as const;

describe.each(eachDriver(drivers))("[%s] Coupons tab list", (_name, driver) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  /** Walks every page via nextCursor; checks the page sizes and returns the ids in order. */
  async function walk(user: DemoUserId, input: Partial<ListInput> & { accountId?: string }) {
    const caller = callerFor(handle, user);
    const limit = input.limit ?? 20;
    const ids: string[] = [];
    const statuses = new Map<string, string>();
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await caller.coupons.list({ ...input, cursor });
      // The API's documented shape (checked here, on every page of every shape, not per response).
      expect(listOutput.parse(res)).toEqual(res);
      expect(res.items.length).toBeLessThanOrEqual(limit);
      if (res.nextCursor) expect(res.items).toHaveLength(limit);
      for (const item of res.items) {
        ids.push(item.id);
        statuses.set(item.id, item.status);
      }
      if (!res.nextCursor) return { ids, statuses };
      cursor = res.nextCursor;
    }
    throw new Error("pagination did not end");
  }

  async function checkAgainstOracle(
    user: DemoUserId,
    accountId: string,
    f: Partial<ListFilters>,
    limits: number[],
    oracleAccounts: string[] = [accountId],
  ) {
    const all = await allRows(handle, oracleAccounts);
    const expectedRows = oracleFilter(all, f);
    const status = new Map(all.map((r) => [r.id, r.status]));
    for (const sort of SORT_KEYS) {
      for (const dir of DIRS) {
        const expected = oracleSort(expectedRows, sort, dir);
        for (const limit of limits) {
          const { ids, statuses } = await walk(user, { ...f, sort, dir, limit, accountId });
          const label = `${JSON.stringify(f)} ${sort} ${dir} limit ${limit}`;
          expect(new Set(ids).size, `duplicates in ${label}`).toBe(ids.length);
          expect(ids, label).toEqual(expected);
          for (const [id, s] of statuses) expect(s, `status of ${id}`).toBe(status.get(id));
        }
      }
    }
  }

  it("R-LIST-2: the seed gives Alice coupons in every status and both types", async () => {
    const all = await allRows(handle, ACCOUNTS.alice);
    expect(new Set(all.map((r) => r.status))).toEqual(
      new Set(["Available", "Used up", "Expired", "Not yet effective"]),
    );
    expect(new Set(all.map((r) => r.couponType))).toEqual(new Set(["Cash Coupon", "Discount Coupon"]));
    const acme = await allRows(handle, ACCOUNTS.acme);
    expect(acme.some((r) => r.status === "Reclaimed")).toBe(true);
  });

  it("R-LIST-1/R-LIST-2/R-LIST-3: every filter × sort × direction, walked by keyset pages, matches the oracle", async () => {
    for (const f of FILTERS) {
      await checkAgainstOracle("u-alice", ACCOUNTS.alice, f, [7, 100]);
    }
  });

  it("R-LIST-3: one-row pages and pages that end exactly at the last row match the oracle", async () => {
    const all = await allRows(handle, ACCOUNTS.alice);
    await checkAgainstOracle("u-alice", ACCOUNTS.alice, {}, [1, all.length, all.length - 1]);
  });

  it("R-LIST-3/R-LIST-5: an enterprise administrator's view of a managed account matches the oracle", async () => {
    await checkAgainstOracle("u-acme-admin", ACCOUNTS.bob, {}, [1, 20]);
    await checkAgainstOracle("u-acme-admin", ACCOUNTS.acme, {}, [2]);
    await checkAgainstOracle("u-acme-admin", ACCOUNTS.acme, { status: "reclaimed" }, [2]);
    await checkAgainstOracle("u-operator", ACCOUNTS.acme, { type: "cash" }, [3]);
  });

  it('R-LIST-5: the administrator\'s "All" view pages through every viewable account, matching the oracle', async () => {
    const visible = [ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol];
    for (const f of [
      {},
      { status: "available" },
      { type: "cash", q: "0" },
      { expiringWithinDays: 30 },
    ] as const) {
      await checkAgainstOracle("u-acme-admin", "all", f, [1, 4, 100], visible);
    }
    await checkAgainstOracle("u-alice", "all", { type: "cash" }, [9], [ACCOUNTS.alice]);
  });

  it("R-LIST-3: the default list is issued desc, 20 per page, the caller's own account", async () => {
    const res = await callerFor(handle, "u-alice").coupons.list({});
    const all = await allRows(handle, ACCOUNTS.alice);
    expect(res.items.map((i) => i.id)).toEqual(oracleSort(all, "issued", "desc").slice(0, 20));
    expect(res.items.every((i) => i.accountId === ACCOUNTS.alice)).toBe(true);
  });

  it("R-LIST-1: rows carry the columns of the table, with ISO-8601 UTC times and integer money", async () => {
    const res = await callerFor(handle, "u-alice").coupons.list({ q: "CP-9V3K-ABCD" });
    expect(res.items).toHaveLength(1);
    const row = res.items[0];
    expect(row).toMatchObject({
      id: "CP-9V3K-ABCD",
      couponType: "Cash Coupon",
      currency: "USD",
      nominalMinor: 10_000,
      balanceMinor: 10_000,
      minOrderMinor: 50_000,
      commodities: [],
      status: "Available",
    });
    for (const t of [row?.effectiveFrom, row?.expiresAt, row?.issuedAt]) {
      expect(t).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(Number.isNaN(Date.parse(String(t)))).toBe(false);
    }
  });

  it("R-LIST-4: totals equal the oracle sums for every filter", async () => {
    const caller = callerFor(handle, "u-alice");
    const all = await allRows(handle, ACCOUNTS.alice);
    const now = (all[0] as OracleRow & { now: number }).now;
    type T = {
      listCount: number;
      spendableMinor: number;
      spendableCount: number;
      sharedMinor: number;
      sharedCount: number;
      expiring30Minor: number;
    };
    const zero = (): T => ({
      listCount: 0,
      spendableMinor: 0,
      spendableCount: 0,
      sharedMinor: 0,
      sharedCount: 0,
      expiring30Minor: 0,
    });
    for (const f of FILTERS) {
      const byCurrency = new Map<string, T>();
      // The list count follows the filters; what can be spent does not (Alice has no shared vouchers).
      for (const r of oracleFilter(all, f)) {
        const t = byCurrency.get(r.currency) ?? zero();
        t.listCount += 1;
        byCurrency.set(r.currency, t);
      }
      for (const r of all) {
        if (r.couponType !== "Cash Coupon" || r.status !== "Available") continue;
        const t = byCurrency.get(r.currency) ?? zero();
        t.spendableMinor += r.balance;
        t.spendableCount += 1;
        if (r.expiresAt <= now + 30 * DAY) t.expiring30Minor += r.balance;
        byCurrency.set(r.currency, t);
      }
      const expected = [...byCurrency.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, t]) => ({ currency, ...t }));
      expect(await caller.coupons.totals(f), JSON.stringify(f)).toEqual(expected);
    }
  });

  it("R-LIST-4 R-POOL-3: Bob's spendable total includes the pool vouchers shared with him", async () => {
    const [usd] = await callerFor(handle, "u-bob").coupons.totals({});
    const shared = (await callerFor(handle, "u-bob").coupons.shared()).filter(
      (c) => c.status === "Available" && c.couponType === "Cash Coupon",
    );
    expect(shared.length).toBeGreaterThan(0);
    expect(usd?.sharedCount).toBe(shared.length);
    expect(usd?.sharedMinor).toBe(shared.reduce((n, c) => n + c.balanceMinor, 0));
    expect(usd?.spendableMinor).toBeGreaterThan(usd?.sharedMinor ?? 0);
  });

  it("R-LIST-4: Alice's unfiltered totals are non-trivial (available and expiring both > 0)", async () => {
    const [usd] = await callerFor(handle, "u-alice").coupons.totals({});
    expect(usd?.currency).toBe("USD");
    expect(usd?.listCount).toBeGreaterThan(40);
    expect(usd?.spendableMinor).toBeGreaterThan(0);
    expect(usd?.expiring30Minor).toBeGreaterThan(0);
    expect(usd?.expiring30Minor).toBeLessThan(usd?.spendableMinor ?? 0);
  });

  it("R-VOU-2: the SQL status (statusSql) agrees with deriveStatusOracle for every coupon", async () => {
    const all = [
      ...(await allRows(handle, ACCOUNTS.alice)),
      ...(await allRows(handle, ACCOUNTS.acme)),
      ...(await allRows(handle, ACCOUNTS.bob)),
    ];
    const operator = callerFor(handle, "u-operator");
    for (const accountId of [ACCOUNTS.alice, ACCOUNTS.acme, ACCOUNTS.bob]) {
      const res = await operator.coupons.list({ accountId, limit: 100 });
      for (const item of res.items) {
        expect(item.status, item.id).toBe(all.find((r) => r.id === item.id)?.status);
      }
    }
  });
});
