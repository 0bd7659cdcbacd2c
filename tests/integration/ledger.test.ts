import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { neutralizeFormula } from "@/server/csv";
import { toDecimal } from "@/server/money";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { expectDbRefusal, snapshot } from "../helpers";
import { assertLedgerInvariant } from "../invariants";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))("[%s] ledger and balance guards", (_name, driver) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  it("R-VOU-4: after seeding, every voucher's balance is the result of its ledger", async () => {
    await assertLedgerInvariant(handle);
    const [n] = await rows<{ coupons: string; ledger: string }>(
      handle.db,
      sql`SELECT (SELECT count(*) FROM coupons)::text AS coupons, (SELECT count(*) FROM coupon_ledger)::text AS ledger`,
    );
    expect(Number(n?.coupons)).toBeGreaterThanOrEqual(50);
    expect(Number(n?.ledger)).toBeGreaterThan(500);
  });

  it("R-VOU-4: the invariant check notices a ledger that disagrees with the balance", async () => {
    // Prove the checker is not vacuous: a coupon whose balance disagrees with its ledger fails it.
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.execute(sql`UPDATE coupons SET balance_minor = balance_minor - 1 WHERE id = 'CP-7Q2M-9XK4'`);
        let failed = false;
        try {
          await assertLedgerInvariant(tx);
        } catch {
          failed = true;
        }
        throw new Error(failed ? "rollback: detected" : "rollback: NOT detected");
      }),
    ).rejects.toThrow("rollback: detected");
    await assertLedgerInvariant(handle);
  });

  it("R-VOU-4: ledger rows can be neither updated, deleted nor truncated", async () => {
    const before = await snapshot(handle.db);
    await expectDbRefusal(
      () =>
        handle.db.execute(
          sql`UPDATE coupon_ledger SET amount_minor = amount_minor + 1 WHERE coupon_id = 'CP-7Q2M-9XK4'`,
        ),
      /append-only/,
    );
    await expectDbRefusal(() => handle.db.execute(sql`UPDATE coupon_ledger SET note = 'x'`), /append-only/);
    await expectDbRefusal(
      () => handle.db.execute(sql`DELETE FROM coupon_ledger WHERE coupon_id = 'CP-EQ1X-F0RM'`),
      /append-only/,
    );
    await expectDbRefusal(() => handle.db.execute(sql`TRUNCATE coupon_ledger CASCADE`), /append-only/);
    await expectDbRefusal(
      () => handle.db.execute(sql`UPDATE pool_ledger SET amount_minor = 1`),
      /append-only/,
    );
    await expectDbRefusal(() => handle.db.execute(sql`DELETE FROM audit_log`), /append-only/);
    expect(await snapshot(handle.db)).toEqual(before);
  });

  it("R-VOU-5: the database refuses a negative balance, a balance above nominal and non-positive ledger amounts", async () => {
    const before = await snapshot(handle.db);
    await expectDbRefusal(
      () => handle.db.execute(sql`UPDATE coupons SET balance_minor = -1 WHERE id = 'CP-9V3K-ABCD'`),
      /coupons_balance_nonneg|check constraint/,
    );
    await expectDbRefusal(
      () =>
        handle.db.execute(
          sql`UPDATE coupons SET balance_minor = balance_minor - 10001 WHERE id = 'CP-9V3K-ABCD'`,
        ),
      /coupons_balance_nonneg|check constraint/,
    );
    await expectDbRefusal(
      () =>
        handle.db.execute(
          sql`UPDATE coupons SET balance_minor = nominal_minor + 1 WHERE id = 'CP-9V3K-ABCD'`,
        ),
      /coupons_balance_le_nominal|check constraint/,
    );
    for (const [amount, after] of [
      [0, 100],
      [-5, 100],
      [5, -1],
    ]) {
      await expectDbRefusal(
        () =>
          handle.db.execute(
            sql`INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor)
                VALUES ('CP-9V3K-ABCD', '5000000000000101', 'Deduction', ${amount}, ${after})`,
          ),
        /coupon_ledger_amount_pos|coupon_ledger_balance_after_nonneg|check constraint/,
      );
    }
    expect(await snapshot(handle.db)).toEqual(before);
  });

  it("R-VOU-5: concurrent spends of one balance never take it below zero", async () => {
    // 12 concurrent attempts to take 30.00 from a 100.00 voucher: exactly 3 may succeed.
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        handle.db.transaction(async (tx) => {
          const [row] = await rows<{ after: string }>(
            tx,
            sql`UPDATE coupons SET balance_minor = balance_minor - 3000 WHERE id = 'CP-9V3K-ABCD'
                RETURNING balance_minor::text AS after`,
          );
          await tx.execute(
            // created_at at insert time, under the row lock: ledger order = balance order. The default,
            // now(), is the transaction's start and can put a later balance before an earlier one.
            sql`INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, note, created_at)
                VALUES ('CP-9V3K-ABCD', '5000000000000101', 'Deduction', 3000, ${Number(row?.after)}, 'concurrency test', clock_timestamp())`,
          );
        }),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(3);
    const [c] = await rows<{ balance: string }>(
      handle.db,
      sql`SELECT balance_minor::text AS balance FROM coupons WHERE id = 'CP-9V3K-ABCD'`,
    );
    expect(Number(c?.balance)).toBe(1000);
    await assertLedgerInvariant(handle);
  });

  it("R-DET-2: the SQL helpers csv_safe and minor_to_decimal agree with their TypeScript twins", async () => {
    const samples = fc.sample(
      fc.string({
        unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", "a", "1", " ", "'", '"', ",", "é"),
      }),
      { numRuns: 300, seed: 42 },
    );
    const texts = ["", "=1+2", "+1", "-1", "@x", "\tx", "\rx", "a=b", ...samples];
    const found = await rows<{ i: number; safe: string | null }>(
      handle.db,
      sql`SELECT i::int AS i, csv_safe(t) AS safe FROM unnest(${`{${texts.map((t) => `"${t.replace(/["\\]/g, "\\$&")}"`).join(",")}}`}::text[]) WITH ORDINALITY AS u(t, i)`,
    );
    expect(found).toHaveLength(texts.length);
    for (const r of found)
      expect(r.safe, JSON.stringify(texts[r.i - 1])).toBe(neutralizeFormula(texts[r.i - 1] ?? ""));
    const [nul] = await rows<{ safe: string | null }>(handle.db, sql`SELECT csv_safe(NULL) AS safe`);
    expect(nul?.safe).toBeNull();

    const amounts = [
      0,
      1,
      9,
      10,
      99,
      100,
      101,
      1250,
      -1,
      -1250,
      123456789,
      10_000_000_000_000,
      Number.MAX_SAFE_INTEGER,
    ];
    amounts.push(...fc.sample(fc.integer({ min: -1e12, max: 1e13 }), { numRuns: 200, seed: 7 }));
    const dec = await rows<{ i: number; d: string }>(
      handle.db,
      sql`SELECT i::int AS i, minor_to_decimal(m) AS d FROM unnest(${`{${amounts.join(",")}}`}::bigint[]) WITH ORDINALITY AS u(m, i)`,
    );
    for (const r of dec) expect(r.d).toBe(toDecimal(amounts[r.i - 1] ?? 0));
  });

  it("R-TIME-1/R-DET-2: iso_in_zone gives ISO-8601 with the zone's offset", async () => {
    const found = await rows<{ a: string; b: string; c: string; d: string }>(
      handle.db,
      sql`SELECT iso_in_zone('2026-03-01T04:05:06.789Z', 'Asia/Shanghai') AS a,
                 iso_in_zone('2026-12-31T16:00:00Z', 'Asia/Shanghai') AS b,
                 iso_in_zone('2026-07-01T12:00:00Z', 'America/New_York') AS c,
                 iso_in_zone('2026-07-01T12:00:00Z', 'Asia/Kolkata') AS d`,
    );
    expect(found[0]).toEqual({
      a: "2026-03-01T12:05:06+08:00",
      b: "2027-01-01T00:00:00+08:00",
      c: "2026-07-01T08:00:00-04:00",
      d: "2026-07-01T17:30:00+05:30",
    });
  });
});
