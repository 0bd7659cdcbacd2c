/**
 * The benchmark data set as set-based SQL (generate_series), shared by bench:data (PostgreSQL)
 * and the PGlite part of bench:export. Deterministic: `setseed` before the random() calls.
 *
 * Ledger invariant (R-VOU-4) holds for every voucher:
 *   balance = Σ amount (Issuance, Refund) − Σ amount (Deduction, Reclaim, Expiry),
 * and the last row's balance_after equals the voucher's balance.
 */
import { DATA } from "./lib";

const acct = (expr: string) => `(${DATA.accountId(0)}::bigint + ${expr})::text`;

/** Session token hash exactly as server/auth/session.ts computes it: sha256 → base64url, no padding. */
const tokenHashSql = (tokenExpr: string) =>
  `translate(rtrim(encode(sha256(convert_to(${tokenExpr}, 'UTF8')), 'base64'), '='), '+/', '-_')`;

export function accountsSql(n: number, passwordHash: string): string[] {
  const pw = passwordHash.replace(/'/g, "''");
  return [
    `INSERT INTO accounts (id, name, time_zone, currency, created_at)
     SELECT ${acct("i")}, 'Bench account ' || i,
            CASE WHEN i % 10 = 0 THEN 'Europe/Berlin' ELSE 'Asia/Shanghai' END, 'USD', now() - interval '800 days'
     FROM generate_series(1, ${n}) i`,
    `INSERT INTO users (id, email, name, password_hash, account_id, role)
     SELECT 'bench-u-' || i, 'bench' || i || '@bench.example', 'Bench user ' || i, '${pw}', ${acct("i")}, 'customer'
     FROM generate_series(1, ${n}) i`,
    // One live session per account, token 'bench-<accountId>' (the cookie value).
    `INSERT INTO sessions (token_hash, user_id, expires_at)
     SELECT ${tokenHashSql(`'bench-' || ${acct("i")}`)}, 'bench-u-' || i, now() + interval '30 days'
     FROM generate_series(1, ${n}) i`,
  ];
}

/**
 * `n` vouchers spread evenly over `accounts` accounts (voucher i belongs to account 1 + (i-1) % accounts).
 * Mix: 80 % cash / 20 % discount; status by r2: 2 % reclaimed, 20 % expired, 5 % not yet effective,
 * 15 % used up, 58 % available (40 % of those untouched, the rest partly used). Nominal 5–1,000 USD.
 */
export function vouchersSql(n: number, accounts: number): string[] {
  return [
    "SELECT setseed(0.42)",
    `INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, discount_bps,
        discount_cap_minor, commodities, min_order_minor, effective_from, expires_at, issued_at, source, description, reclaimed_at)
     SELECT 'CP-' || lpad(i::text, 8, '0'), ${acct(`1 + (i - 1) % ${accounts}`)},
       CASE WHEN cash THEN 'Cash Coupon' ELSE 'Discount Coupon' END::coupon_type, 'USD', nominal,
       CASE WHEN st IN ('reclaimed', 'used') THEN 0 WHEN st = 'nye' OR r3 < 0.4 THEN nominal
            ELSE greatest(1, floor(nominal * r4))::bigint END,
       CASE WHEN cash THEN NULL ELSE (5 + floor(r5 * 30)::int) * 100 END,
       CASE WHEN cash THEN NULL ELSE nominal END,
       CASE WHEN r5 < 0.2 THEN ARRAY['ecs', 'rds'] ELSE '{}'::text[] END,
       CASE WHEN r5 > 0.9 THEN 10000 ELSE 0 END,
       CASE st WHEN 'nye' THEN now() + (1 + r7 * 60) * interval '1 day' ELSE issued END,
       CASE st WHEN 'expired' THEN now() - (1 + r7 * 199) * interval '1 day'
               WHEN 'nye' THEN now() + (91 + r7 * 60) * interval '1 day'
               ELSE now() + (1 + r7 * 364) * interval '1 day' END,
       issued,
       CASE WHEN r6 < 0.7 THEN 'Direct issuance' WHEN r6 < 0.95 THEN 'Campaign' ELSE 'Quota pool' END::coupon_source,
       '',
       CASE WHEN st = 'reclaimed' THEN issued + (now() - issued) / 2 END
     FROM (
       SELECT i, r1 < 0.8 AS cash, r3, r4, r5, r6, r7, nominal,
         CASE WHEN r2 < 0.02 THEN 'reclaimed' WHEN r2 < 0.22 THEN 'expired' WHEN r2 < 0.27 THEN 'nye'
              WHEN r2 < 0.42 THEN 'used' ELSE 'avail' END AS st,
         CASE WHEN r2 >= 0.02 AND r2 < 0.22 THEN now() - (200 + r6 * 300) * interval '1 day'
              WHEN r2 >= 0.22 AND r2 < 0.27 THEN now() - r6 * 30 * interval '1 day'
              ELSE now() - (1 + r6 * 365) * interval '1 day' END AS issued
       FROM (SELECT i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7,
                    (1 + floor(random() * 200))::bigint * 500 AS nominal
             FROM generate_series(1, ${n}) i) a
     ) b`,
    // Every voucher: its Issuance row.
    `INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, note, created_at)
     SELECT id, account_id, 'Issuance', nominal_minor, nominal_minor, '', issued_at FROM coupons ORDER BY id`,
    // Vouchers below nominal: one Deduction (or a Reclaim for reclaimed ones) bringing them to their balance.
    `INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, order_id, note, created_at)
     SELECT id, account_id, CASE WHEN reclaimed_at IS NULL THEN 'Deduction' ELSE 'Reclaim' END::ledger_type,
            nominal_minor - balance_minor, balance_minor,
            CASE WHEN reclaimed_at IS NULL THEN 'ORD-B-' || substr(id, 4) END, '',
            coalesce(reclaimed_at, issued_at + least(now() - issued_at, expires_at - issued_at) / 2)
     FROM coupons WHERE balance_minor < nominal_minor ORDER BY id`,
  ];
}

/**
 * One cash voucher with a `rows`-row history for the export benchmark: an Issuance, then
 * Deductions (every 7th against a bill, every 5th by another account of the enterprise) and a
 * Refund every 100th row, 30 s apart. Notes exercise CSV quoting and formula neutralising.
 */
export function hotVoucherSql(id: string, ownerIndex: number, rows: number): string[] {
  const nominal = 10_000_000_000; // 100 M USD: never runs out
  const delta = (k: string) =>
    `CASE WHEN ${k} = 0 THEN 0 WHEN ${k} % 100 = 0 THEN 1 + ${k} % 97 ELSE -(1 + ${k} % 97) END`;
  const owner = acct(String(ownerIndex));
  return [
    `INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, effective_from, expires_at,
        issued_at, source, description)
     SELECT '${id}', ${owner}, 'Cash Coupon', 'USD', ${nominal}, ${nominal} + sum(${delta("k")}),
            now() - interval '400 days', now() + interval '365 days', now() - interval '400 days',
            'Direct issuance', 'Benchmark voucher with a ${rows}-row history'
     FROM generate_series(0, ${rows - 1}) k`,
    `INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, order_id, bill_id, note, created_at)
     SELECT '${id}', CASE WHEN k % 5 = 0 AND k > 0 THEN ${acct(`${ownerIndex} + 1`)} ELSE ${owner} END,
       CASE WHEN k = 0 THEN 'Issuance' WHEN k % 100 = 0 THEN 'Refund' ELSE 'Deduction' END::ledger_type,
       CASE WHEN k = 0 THEN ${nominal} ELSE 1 + k % 97 END,
       ${nominal} + sum(${delta("k")}) OVER (ORDER BY k),
       CASE WHEN k > 0 AND k % 7 <> 0 THEN 'ORD-H-' || lpad(k::text, 7, '0') END,
       CASE WHEN k > 0 AND k % 7 = 0 THEN 'BILL-H-' || lpad(k::text, 7, '0') END,
       CASE WHEN k = 0 THEN 'Benchmark issuance' WHEN k % 1000 = 0 THEN '=HYPERLINK("x")'
            WHEN k % 10 = 0 THEN 'note, with "quotes"' ELSE '' END,
       now() - interval '400 days' + k * interval '30 seconds'
     FROM generate_series(0, ${rows - 1}) k`,
  ];
}

/** 0 rows = the invariant holds for every voucher (and every voucher has a ledger). */
export const invariantCheckSql = `
  SELECT count(*)::int AS bad FROM coupons c
  LEFT JOIN (SELECT coupon_id, sum(CASE WHEN type IN ('Issuance', 'Refund') THEN amount_minor ELSE -amount_minor END) AS bal
             FROM coupon_ledger GROUP BY coupon_id) l ON l.coupon_id = c.id
  WHERE l.bal IS DISTINCT FROM c.balance_minor`;
