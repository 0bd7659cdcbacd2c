import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { type DatabaseHandle, type Executor, rows } from "@/db/client";

type Violation = {
  coupon_id: string;
  problem: string;
  detail: string;
};

/**
 * R-VOU-4: for every voucher, the balance is the result of its append-only ledger.
 *   - exactly one Issuance row, equal to the nominal value, and it is the first row;
 *   - balance = nominal + Σ Refund − Σ Deduction − Σ Reclaim − Σ Expiry;
 *   - every row's balance_after is the running sum up to it (ordered by created_at, id), never
 *     below zero, and the last row's balance_after equals the voucher's balance.
 * Returns nothing; fails the test with every violation listed.
 */
export async function assertLedgerInvariant(target: DatabaseHandle | Executor): Promise<void> {
  const db = "kind" in target ? target.db : target;
  const violations = await rows<Violation>(
    db,
    sql`WITH l AS (
          SELECT coupon_id, id, type, amount_minor, balance_after_minor,
                 sum(CASE WHEN type IN ('Issuance', 'Refund') THEN amount_minor ELSE -amount_minor END)
                   OVER (PARTITION BY coupon_id ORDER BY created_at, id) AS running,
                 row_number() OVER (PARTITION BY coupon_id ORDER BY created_at, id) AS rn,
                 row_number() OVER (PARTITION BY coupon_id ORDER BY created_at DESC, id DESC) AS rn_desc
          FROM coupon_ledger),
        per AS (
          SELECT c.id, c.nominal_minor, c.balance_minor,
                 count(l.id) FILTER (WHERE l.type = 'Issuance') AS issuances,
                 coalesce(sum(l.amount_minor) FILTER (WHERE l.type = 'Issuance'), 0) AS issued,
                 coalesce(sum(l.amount_minor) FILTER (WHERE l.type = 'Refund'), 0) AS refunds,
                 coalesce(sum(l.amount_minor) FILTER (WHERE l.type = 'Deduction'), 0) AS deductions,
                 coalesce(sum(l.amount_minor) FILTER (WHERE l.type = 'Reclaim'), 0) AS reclaims,
                 coalesce(sum(l.amount_minor) FILTER (WHERE l.type = 'Expiry'), 0) AS expiries,
                 max(l.balance_after_minor) FILTER (WHERE l.rn_desc = 1) AS last_after,
                 bool_or(l.rn = 1 AND l.type = 'Issuance') AS issuance_first,
                 bool_and(l.balance_after_minor = l.running) AS running_ok,
                 bool_and(l.balance_after_minor >= 0 AND l.amount_minor > 0) AS signs_ok
          FROM coupons c LEFT JOIN l ON l.coupon_id = c.id
          GROUP BY c.id, c.nominal_minor, c.balance_minor)
        SELECT id AS coupon_id, problem, detail FROM (
          SELECT id, 'issuance count' AS problem, issuances::text AS detail FROM per WHERE issuances <> 1
          UNION ALL SELECT id, 'issuance amount <> nominal', issued || ' <> ' || nominal_minor FROM per WHERE issued <> nominal_minor
          UNION ALL SELECT id, 'issuance not first', '' FROM per WHERE NOT coalesce(issuance_first, false)
          UNION ALL SELECT id, 'balance <> nominal + refunds - deductions - reclaims - expiries',
                   balance_minor || ' <> ' || (nominal_minor + refunds - deductions - reclaims - expiries)
            FROM per WHERE balance_minor <> nominal_minor + refunds - deductions - reclaims - expiries
          UNION ALL SELECT id, 'last balance_after <> balance', coalesce(last_after::text, 'null') || ' <> ' || balance_minor
            FROM per WHERE last_after IS DISTINCT FROM balance_minor
          UNION ALL SELECT id, 'balance_after is not the running sum', '' FROM per WHERE NOT coalesce(running_ok, false)
          UNION ALL SELECT id, 'negative balance or non-positive amount', '' FROM per WHERE NOT coalesce(signs_ok, false)
        ) v ORDER BY 1, 2`,
  );
  expect(violations, "ledger invariant (R-VOU-4) violated").toEqual([]);
}
