import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { balanceSeries, iso } from "@/server/vouchers/queries";
import { eachDriver, seededDatabase, testDatabases } from "../db";

const drivers = await testDatabases();

async function fullHistory(handle: DatabaseHandle, id: string) {
  const found = await rows<{ at: string | Date; b: string }>(
    handle.db,
    sql`SELECT created_at AS at, balance_after_minor::text AS b FROM coupon_ledger
         WHERE coupon_id = ${id} ORDER BY created_at, id`,
  );
  return found.map((r) => ({ at: iso(r.at), balanceMinor: Number(r.b) }));
}

describe.each(eachDriver(drivers))("[%s] balance chart series (R-DET-4)", (_name, driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  it("a short history comes back whole: every change is drawn", async () => {
    const all = await fullHistory(handle, "CP-EQ1X-F0RM");
    expect(all.length).toBe(4);
    expect(await balanceSeries(handle.db, "CP-EQ1X-F0RM")).toEqual(all);
  });

  it("a history of exactly `points` rows comes back whole; one more row is thinned", async () => {
    const all = await fullHistory(handle, "CP-7Q2M-9XK4");
    expect(all.length).toBeGreaterThan(300);
    expect(await balanceSeries(handle.db, "CP-7Q2M-9XK4", all.length)).toEqual(all);
    expect((await balanceSeries(handle.db, "CP-7Q2M-9XK4", all.length - 1)).length).toBeLessThan(all.length);
  });

  it("a long history keeps first, last, lowest and highest of each run, in order, within the limit", async () => {
    const all = await fullHistory(handle, "CP-7Q2M-9XK4");
    for (const points of [200, 40, 4]) {
      const series = await balanceSeries(handle.db, "CP-7Q2M-9XK4", points);
      expect(series.length).toBeLessThanOrEqual(points);
      expect(series.length).toBeGreaterThan(1);
      expect(series[0]).toEqual(all[0]);
      expect(series.at(-1)).toEqual(all.at(-1));
      const balances = all.map((p) => p.balanceMinor);
      const shown = series.map((p) => p.balanceMinor);
      expect(Math.min(...shown)).toBe(Math.min(...balances));
      expect(Math.max(...shown)).toBe(Math.max(...balances));
      // Every point is a real ledger row, in ledger order.
      let from = 0;
      for (const p of series) {
        const i = all.findIndex((q, j) => j >= from && q.at === p.at && q.balanceMinor === p.balanceMinor);
        expect(i).toBeGreaterThanOrEqual(from);
        from = i + 1;
      }
    }
  });
});
