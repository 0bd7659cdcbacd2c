import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { resolveAccountScope } from "@/server/auth/access";
import { LIST_HEADER, streamCouponList } from "@/server/vouchers/export";
import { listInput } from "@/server/vouchers/schema";
import { type DriverName, eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, demoUser, parseCsv, readAll } from "../helpers";

const drivers = await testDatabases();
const FIXED_NOW = new Date("2026-03-01T04:05:06.789Z");
const EXTRA = 2_345; // more than two export batches of 1,000

const bytesByDriver = new Map<DriverName, Map<string, string>>();

/** Every page of the Coupons tab for a filter, through the tRPC procedure: what the table shows. */
async function allPages(handle: DatabaseHandle, input: Record<string, unknown>) {
  const caller = callerFor(handle, "u-acme-admin");
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await caller.coupons.list({ ...input, limit: 100, cursor });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe.each(eachDriver(drivers))("[%s] cross-voucher export", (name, driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await seededDatabase(driver, FIXED_NOW);
    // Many vouchers for Bob, with equal expiry instants in runs of 7, so the keyset ties on id.
    await handle.db.execute(sql`INSERT INTO coupons (id, account_id, currency, nominal_minor, balance_minor, effective_from, expires_at, issued_at, description)
      SELECT 'CP-LX' || lpad(g::text, 5, '0'), ${ACCOUNTS.bob}, 'USD', 1000 + g, 1000 + g % 500,
             ${FIXED_NOW.toISOString()}::timestamptz - interval '1 day',
             ${FIXED_NOW.toISOString()}::timestamptz + (g / 7) * interval '1 hour' + interval '1 day',
             ${FIXED_NOW.toISOString()}::timestamptz - interval '2 days',
             CASE WHEN g % 100 = 0 THEN '=cmd|calc' ELSE 'bulk, "list"' END
      FROM generate_series(1, ${EXTRA}) g`);
    bytesByDriver.set(name, new Map());
  }, 120_000);
  afterAll(async () => {
    // closeAll also drops the test's PostgreSQL database.
    await driver.closeAll();
  });

  for (const [label, raw] of [
    ["all accounts by expiry, soonest first", { accountId: "all", sort: "expiry", dir: "asc" }],
    [
      "Bob's cash vouchers by balance",
      { accountId: ACCOUNTS.bob, type: "cash", sort: "balance", dir: "desc" },
    ],
    ["all accounts, available, issued newest first", { accountId: "all", status: "available" }],
  ] as const) {
    it(`R-DET-3 R-LIST-5: ${label}: the file holds exactly the table's rows, in its order`, async () => {
      const { accountId, ...rest } = raw as Record<string, string>;
      const input = listInput.parse(rest);
      const scope = await resolveAccountScope(handle.db, demoUser("u-acme-admin"), accountId);
      if (!scope || scope === "operator-all") throw new Error(`no scope for ${accountId}`);
      const text = (await readAll(streamCouponList(handle, scope, input, "Asia/Shanghai"))).toString("utf8");
      bytesByDriver.get(name)?.set(label, text);
      const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""));
      expect(header).toEqual([...LIST_HEADER]);
      expect(rows.map((r) => r[0])).toEqual(await allPages(handle, raw));
      for (const r of rows) {
        expect(r[12]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
        expect(r[16] ?? "").not.toMatch(/^[=+\-@]/);
        expect(r[4]).toMatch(/^\d+\.\d{2}$/);
      }
    });
  }
});

describe("R-DET-3: both drivers give the same bytes", () => {
  it.runIf(drivers.length > 1)("R-DET-3: PGlite and PostgreSQL exports are identical", () => {
    const [a, b] = [...bytesByDriver.values()];
    expect(a && b).toBeTruthy();
    for (const [label, text] of a ?? []) expect(b?.get(label), label).toBe(text);
  });
});
