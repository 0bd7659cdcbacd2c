import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { type Executor, rows } from "@/db/client";

/** The cycle `monthsAgo` months before the database clock's month, in UTC+8 (the demo accounts' zone). */
export async function cycleAgo(db: Executor, monthsAgo: number): Promise<string> {
  const [r] = await rows<{ c: string }>(
    db,
    sql`SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai') - make_interval(months => ${monthsAgo}), 'YYYY-MM') AS c`,
  );
  return r?.c as string;
}

/**
 * R-PAYG-1 for every closed bill: each line's voucher part equals its Deduction rows and is at most
 * its amount; every deduction of a bill belongs to one of its lines, by the bill's account; a line
 * draws a voucher at most once; no open bill has deductions.
 */
export async function assertBillInvariants(db: Executor): Promise<void> {
  const problems = await rows<{ id: string; problem: string }>(
    db,
    sql`WITH d AS (
          SELECT bill_line_id, sum(amount_minor) AS amt, count(*) AS n, count(DISTINCT coupon_id) AS vouchers
            FROM coupon_ledger WHERE type = 'Deduction' AND bill_line_id IS NOT NULL GROUP BY bill_line_id)
        SELECT l.id, 'line voucher part <> its deductions' AS problem
          FROM bill_lines l LEFT JOIN d ON d.bill_line_id = l.id WHERE l.voucher_minor <> coalesce(d.amt, 0)
        UNION ALL SELECT l.id, 'line over-deducted' FROM bill_lines l WHERE l.voucher_minor > l.amount_minor
        UNION ALL SELECT d.bill_line_id, 'a voucher drawn twice for one line' FROM d WHERE d.n <> d.vouchers
        UNION ALL
        SELECT c.id::text, 'deduction outside its bill or account' FROM coupon_ledger c
          LEFT JOIN bill_lines l ON l.id = c.bill_line_id LEFT JOIN bills b ON b.id = l.bill_id
         WHERE c.type = 'Deduction' AND c.bill_id IS NOT NULL
           AND (l.id IS NULL OR l.bill_id <> c.bill_id OR b.account_id <> c.account_id)
        UNION ALL
        SELECT b.id, 'open bill with deductions' FROM bills b JOIN bill_lines l ON l.bill_id = b.id
         WHERE b.status = 'Open' AND l.voucher_minor > 0
        ORDER BY 1, 2`,
  );
  expect(problems, "bill invariants (R-PAYG-1)").toEqual([]);
}

/** Inserts an open bill with lines (test data; usage is normally recorded by bills.recordUsage). */
export async function insertBill(
  db: Executor,
  bill: { id: string; accountId: string; cycle: string },
  lines: { id: string; productCode: string; amountMinor: number; usageAt: string }[],
): Promise<void> {
  await db.execute(
    sql`INSERT INTO bills (id, account_id, cycle, currency) VALUES (${bill.id}, ${bill.accountId}, ${bill.cycle}, 'USD')`,
  );
  for (let i = 0; i < lines.length; i += 500) {
    const values = sql.join(
      lines
        .slice(i, i + 500)
        .map(
          (l) => sql`(${l.id}, ${bill.id}, ${l.productCode}, ${l.amountMinor}, ${l.usageAt}::timestamptz)`,
        ),
      sql`, `,
    );
    await db.execute(
      sql`INSERT INTO bill_lines (id, bill_id, product_code, amount_minor, usage_at) VALUES ${values}`,
    );
  }
}
