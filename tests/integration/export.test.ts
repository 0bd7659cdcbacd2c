import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { csvRecord, neutralizeFormula } from "@/server/csv";
import { parseMoney, toDecimal } from "@/server/money";
import { HISTORY_HEADER, streamCouponHistory } from "@/server/vouchers/export";
import { type DriverName, eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, parseCsv, parseCsvCells, readAll } from "../helpers";
import { assertLedgerInvariant } from "../invariants";

const drivers = await testDatabases();

/** Both drivers are seeded at the same instant, so their exports must be byte for byte the same. */
const FIXED_NOW = new Date("2026-03-01T04:05:06.789Z");
const BULK_ID = "CP-BULK-0001";
const BULK_ROWS = 20_000;
const EXPORTED = [
  "CP-7Q2M-9XK4",
  "CP-EQ1X-F0RM",
  "CP-POOL-0102",
  "CP-POOL-0103",
  "CP-9V3K-ABCD",
  "CP-PAYG-0002",
  BULK_ID,
];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const bytesByDriver = new Map<DriverName, Map<string, Buffer>>();

/** A voucher with a long history (20,000 deductions and a refund), so a COPY is really mid-flight when cancelled. */
async function addBulkVoucher(handle: DatabaseHandle) {
  const t0 = sql`(${FIXED_NOW.toISOString()}::timestamptz - interval '40 days')`;
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO coupons (id, account_id, currency, nominal_minor, balance_minor, effective_from, expires_at, issued_at, description)
      VALUES (${BULK_ID}, ${ACCOUNTS.alice}, 'USD', 10000000, 10000000, ${t0}, ${t0} + interval '100 days', ${t0}, 'Bulk, "quoted", history')`);
    await tx.execute(sql`INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, note, created_at)
      VALUES (${BULK_ID}, ${ACCOUNTS.alice}, 'Issuance', 10000000, 10000000, '+issued', ${t0})`);
    await tx.execute(sql`INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, order_id, note, created_at)
      SELECT ${BULK_ID}, CASE WHEN g % 3 = 0 THEN ${ACCOUNTS.bob} ELSE ${ACCOUNTS.alice} END, 'Deduction', 1 + g % 97,
             10000000 - sum(1 + g % 97) OVER (ORDER BY g),
             'ORD-BULK-' || lpad(g::text, 6, '0'),
             CASE g % 6 WHEN 0 THEN '-refund, "quoted"' WHEN 1 THEN '' WHEN 2 THEN E'line\nbreak' WHEN 3 THEN '@cell'
                        WHEN 4 THEN E'\ttab' ELSE 'plain' END,
             ${t0} + g * interval '1 minute' + (g % 1000) * interval '1 millisecond'
      FROM generate_series(1, ${BULK_ROWS}) g ORDER BY g`);
    await tx.execute(sql`INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, order_id, note, created_at)
      SELECT ${BULK_ID}, ${ACCOUNTS.alice}, 'Refund', 1234, balance_after_minor + 1234, 'ORD-BULK-000007', 'Proportional return',
             ${t0} + ${BULK_ROWS + 1} * interval '1 minute'
      FROM coupon_ledger WHERE coupon_id = ${BULK_ID} ORDER BY created_at DESC, id DESC LIMIT 1`);
    await tx.execute(sql`UPDATE coupons SET balance_minor = (SELECT balance_after_minor FROM coupon_ledger
      WHERE coupon_id = ${BULK_ID} ORDER BY created_at DESC, id DESC LIMIT 1) WHERE id = ${BULK_ID}`);
  });
}

type LedgerRow = {
  ms: string;
  type: string;
  amount: string;
  after: string;
  ref: string | null;
  account_id: string;
  note: string;
};

async function ledgerOf(handle: DatabaseHandle, couponId: string) {
  return rows<LedgerRow>(
    handle.db,
    sql`SELECT (extract(epoch FROM created_at) * 1000)::bigint::text AS ms, type::text AS type,
               amount_minor::text AS amount, balance_after_minor::text AS after,
               coalesce(order_id, bill_id) AS ref, account_id, note
        FROM coupon_ledger WHERE coupon_id = ${couponId} ORDER BY created_at, id`,
  );
}

/** ISO-8601 in UTC+8 to the second (Asia/Shanghai has no daylight saving time). */
const isoShanghai = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

/** The export as the spec describes it, built in JS from the ledger: the expected bytes. */
function expectedCsv(ledger: LedgerRow[]): Buffer {
  let text = csvRecord([...HISTORY_HEADER]);
  for (const r of ledger) {
    const debit = r.type === "Deduction" || r.type === "Reclaim" || r.type === "Expiry";
    text += csvRecord([
      isoShanghai(Number(r.ms)),
      r.type,
      debit ? toDecimal(Number(r.amount)) : null,
      debit ? null : toDecimal(Number(r.amount)),
      r.ref === null ? null : neutralizeFormula(r.ref),
      neutralizeFormula(r.account_id),
      toDecimal(Number(r.after)),
      r.note === "" ? null : neutralizeFormula(r.note),
    ]);
  }
  return Buffer.concat([BOM, Buffer.from(text, "utf8")]);
}

async function countExportBackends(handle: DatabaseHandle): Promise<number> {
  const [row] = await rows<{ n: string }>(
    handle.db,
    sql`SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = 'voucher-export' AND datname = current_database()`,
  );
  return Number(row?.n);
}

describe.each(eachDriver(drivers))("[%s] voucher history export (R-DET-2)", (name, driver) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await seededDatabase(driver, FIXED_NOW);
    await addBulkVoucher(handle);
    bytesByDriver.set(name, new Map());
  });
  afterAll(() => driver.closeAll());

  it("R-VOU-4: the bulk voucher keeps the ledger invariant", async () => {
    await assertLedgerInvariant(handle);
  });

  it.each(EXPORTED)(
    "R-DET-2: %s exports exactly its ledger: header, rows, decimals, +08:00 times, formula cells",
    async (id) => {
      const bytes = await readAll(streamCouponHistory(handle, id, "Asia/Shanghai"));
      bytesByDriver.get(name)?.set(id, bytes);
      expect(bytes.subarray(0, 3).equals(BOM)).toBe(true);
      const text = bytes.subarray(3).toString("utf8");
      const [header, ...records] = parseCsv(text);
      expect(header).toEqual([...HISTORY_HEADER]);

      const ledger = await ledgerOf(handle, id);
      expect(records).toHaveLength(ledger.length);
      const [coupon] = await rows<{ nominal: string; balance: string }>(
        handle.db,
        sql`SELECT nominal_minor::text AS nominal, balance_minor::text AS balance FROM coupons WHERE id = ${id}`,
      );

      let deducted = 0;
      let refunded = 0;
      records.forEach((r, i) => {
        expect(r).toHaveLength(HISTORY_HEADER.length);
        const [time, type, debit, credit, , , balanceAfter] = r;
        expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
        expect(Date.parse(String(time))).toBe(Math.floor(Number(ledger[i]?.ms) / 1000) * 1000);
        expect(type).toBe(ledger[i]?.type);
        for (const amount of [debit, credit, balanceAfter])
          if (amount) expect(amount).toMatch(/^\d+\.\d{2}$/);
        expect(Boolean(debit) !== Boolean(credit)).toBe(true);
        if (debit) deducted += parseMoney(debit);
        if (credit && type === "Refund") refunded += parseMoney(credit);
        if (type === "Issuance") expect(credit).toBe(toDecimal(Number(coupon?.nominal)));
      });
      expect(records.at(-1)?.[6]).toBe(toDecimal(Number(coupon?.balance)));
      // R-VOU-4 seen through the export: what left the voucher minus what came back = nominal − balance.
      expect(deducted - refunded).toBe(Number(coupon?.nominal) - Number(coupon?.balance));

      // And the whole file, byte for byte, equals the one built in JS from the ledger.
      expect(bytes.equals(expectedCsv(ledger))).toBe(true);
    },
  );

  it("R-DET-2: formula cells of CP-EQ1X-F0RM are neutralised with a leading apostrophe", async () => {
    const bytes = await readAll(streamCouponHistory(handle, "CP-EQ1X-F0RM", "Asia/Shanghai"));
    const text = bytes.subarray(3).toString("utf8");
    const notes = parseCsv(text)
      .slice(1)
      .map((r) => r[7]);
    expect(notes).toContain("'=1+2 @SUM(A1) -note");
    expect(notes).toContain(`'=HYPERLINK("http://example.invalid","Click")`);
    expect(text).toContain(`"'=HYPERLINK(""http://example.invalid"",""Click"")"`);
    for (const cell of parseCsv(text).flat()) expect(cell).not.toMatch(/^[=+@\t\r-]/);
  });

  it("R-DET-2: RFC 4180 quoting in the bulk export: commas, quotes, LF, empty notes are NULL (unquoted)", async () => {
    const bytes =
      bytesByDriver.get(name)?.get(BULK_ID) ??
      (await readAll(streamCouponHistory(handle, BULK_ID, "Asia/Shanghai")));
    const cells = parseCsvCells(bytes.subarray(3).toString("utf8"));
    const notes = cells.slice(1).map((r) => r[7]);
    expect(notes).toContainEqual({ value: '\'-refund, "quoted"', quoted: true });
    expect(notes).toContainEqual({ value: "line\nbreak", quoted: true });
    expect(notes).toContainEqual({ value: "'@cell", quoted: false });
    expect(notes).toContainEqual({ value: "'\ttab", quoted: false });
    expect(notes).toContainEqual({ value: "", quoted: false });
    expect(cells).toHaveLength(1 + 1 + BULK_ROWS + 1);
    expect(cells.slice(1).filter((r) => r[1]?.value === "Refund")).toHaveLength(1);
  });

  it("R-TIME-1/R-DET-2: times follow the requested zone's offset, including daylight saving time", async () => {
    const text = (await readAll(streamCouponHistory(handle, "CP-7Q2M-9XK4", "America/New_York")))
      .subarray(3)
      .toString("utf8");
    const times = parseCsv(text)
      .slice(1)
      .map((r) => String(r[0]));
    expect(times.every((t) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/.test(t))).toBe(true);
    const ledger = await ledgerOf(handle, "CP-7Q2M-9XK4");
    expect(times.map((t) => Date.parse(t))).toEqual(
      ledger.map((l) => Math.floor(Number(l.ms) / 1000) * 1000),
    );
  });

  it("R-DET-2: an unknown voucher exports just the header", async () => {
    const bytes = await readAll(streamCouponHistory(handle, "CP-ZZZZ-ZZZZ", "Asia/Shanghai"));
    expect(bytes.equals(Buffer.concat([BOM, Buffer.from(csvRecord([...HISTORY_HEADER]))]))).toBe(true);
  });

  it("R-DET-2: aborted downloads leave no backend behind and the server keeps serving", async () => {
    const total = name === "postgres" ? 100 : 10;
    const wave = 20; // max_connections is 100 by default: keep the dedicated COPY connections under it
    for (let start = 0; start < total; start += wave) {
      const readers = await Promise.all(
        Array.from({ length: Math.min(wave, total - start) }, async () => {
          const reader = streamCouponHistory(handle, BULK_ID, "Asia/Shanghai").getReader();
          const head = await reader.read(); // the header
          expect(head.done).toBe(false);
          const data = await reader.read(); // the first rows: the COPY is now streaming
          expect(data.done).toBe(false);
          expect(Buffer.from(data.value ?? []).toString("utf8")).toMatch(/\+08:00,/);
          return reader;
        }),
      );
      if (name === "postgres") expect(await countExportBackends(handle)).toBeGreaterThan(0);
      await Promise.all(readers.map((r) => r.cancel()));
    }
    if (name === "postgres") {
      let lingering = -1;
      for (let i = 0; i < 50; i++) {
        lingering = await countExportBackends(handle);
        if (lingering === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(lingering, "backends still running after aborted exports").toBe(0);
    }
    const alice = callerFor(handle, "u-alice");
    const pages = await Promise.all(
      Array.from({ length: 30 }, (_, i) => alice.coupons.list({ limit: 5 + (i % 10) })),
    );
    expect(pages.map((p) => p.items.length)).toEqual(pages.map((_, i) => 5 + (i % 10)));
    // A full export still works and gives the same bytes as before the aborts.
    const again = await readAll(streamCouponHistory(handle, BULK_ID, "Asia/Shanghai"));
    expect(again.equals(bytesByDriver.get(name)?.get(BULK_ID) ?? Buffer.alloc(0))).toBe(true);
  });
});

describe("R-DET-2: PGlite and PostgreSQL exports are byte-identical", () => {
  it.skipIf(drivers.length < 2).each(EXPORTED)("R-DET-2: %s gives the same bytes on both drivers", (id) => {
    const a = bytesByDriver.get("pglite")?.get(id);
    const b = bytesByDriver.get("postgres")?.get(id);
    expect(a?.length).toBeGreaterThan(100);
    expect(b?.equals(a ?? Buffer.alloc(0))).toBe(true);
  });
});
