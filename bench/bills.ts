/**
 * bench:bills — closing a pay-as-you-go cycle (R-PAYG-1) for 1,000 accounts × 720 hourly lines on
 * PostgreSQL: the product's path (close-cycle: one close_bill() statement, one short transaction,
 * per bill, from Node) against the floor, ONE set-based SQL statement that does the same arithmetic
 * (vouchers ranked by priority, lines in usage order drawing from them as a waterfall) and the same
 * writes (ledger rows with balance-after, line voucher parts, balances, bill status) with no per-bill
 * transaction, lock or judgement. Both run on identical copies of one data set, in the same run.
 * Writes the "bills" section of docs/BENCHMARKS.md.
 *
 *   BENCH_BILL_ACCOUNTS (default 1000), BENCH_BILL_LINES (default 720)
 */
import postgres from "postgres";
import { migrateDatabase, openDatabase } from "@/db/client";
import { closeCycle } from "@/server/bills/service";
import { ADMIN_URL, fmt, log, machineFacts, now, PG_BASE, rssMb, table, writeSection } from "./lib";

const ACCOUNTS = Number(process.env.BENCH_BILL_ACCOUNTS ?? 1000);
const LINES = Number(process.env.BENCH_BILL_LINES ?? 720);
const CYCLE = "2026-10";
const DB_APP = "vc_bench_bills";
const DB_FLOOR = "vc_bench_bills_floor";
const url = (db: string) => `${PG_BASE}/${db}`;

/** Accounts, 3 general vouchers each (with Issuance rows), one bill of LINES hourly lines each. */
const DATA_SQL = `
INSERT INTO products (code, name, excluded_from_general) VALUES
  ('ecs', 'ECS', false), ('oss', 'OSS', false), ('rds', 'RDS', false) ON CONFLICT DO NOTHING;
INSERT INTO accounts (id, name) SELECT 'B' || lpad(a::text, 6, '0'), 'Bench ' || a FROM generate_series(1, ${ACCOUNTS}) a;
INSERT INTO coupons (id, account_id, currency, nominal_minor, balance_minor, effective_from, expires_at, issued_at, description)
SELECT 'BV-' || lpad(a::text, 6, '0') || '-' || v, 'B' || lpad(a::text, 6, '0'), 'USD',
       n, n, timestamptz '2026-01-01 00:00:00+00', timestamptz '2027-06-01 00:00:00+00' + make_interval(days => v),
       timestamptz '2025-12-01 00:00:00+00' + make_interval(hours => v), 'bench'
  FROM generate_series(1, ${ACCOUNTS}) a, generate_series(1, 3) v,
       LATERAL (SELECT (50000 + ((a * 7919 + v * 104729) % 200000))::bigint AS n) x;
INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, created_at)
SELECT id, account_id, 'Issuance', nominal_minor, nominal_minor, issued_at FROM coupons WHERE id LIKE 'BV-%';
INSERT INTO bills (id, account_id, cycle, currency)
SELECT 'BILL-' || replace('${CYCLE}', '-', '') || '-B' || lpad(a::text, 6, '0'), 'B' || lpad(a::text, 6, '0'), '${CYCLE}', 'USD'
  FROM generate_series(1, ${ACCOUNTS}) a;
INSERT INTO bill_lines (id, bill_id, product_code, amount_minor, usage_at, description)
SELECT 'BL-' || lpad(a::text, 6, '0') || '-' || lpad(h::text, 4, '0'),
       'BILL-' || replace('${CYCLE}', '-', '') || '-B' || lpad(a::text, 6, '0'),
       (ARRAY['ecs', 'oss', 'rds'])[1 + h % 3], 1 + ((a * 31 + h * 17) % 2000),
       timestamptz '2026-09-30 16:00:00+00' + make_interval(hours => h), 'hourly usage'
  FROM generate_series(1, ${ACCOUNTS}) a, generate_series(0, ${LINES - 1}) h;`;

/**
 * The floor: the whole cycle in one statement. Same ranking (vouchers_by_priority order is largest
 * balance, then expiry, issuance, ID; all bench vouchers are general, so every voucher covers every
 * line), same waterfall, same rows written.
 */
const FLOOR_SQL = `
WITH b AS (SELECT id, account_id FROM bills WHERE cycle = '${CYCLE}' AND status = 'Open'),
v AS (
  SELECT c.id, c.account_id, c.balance_minor AS bal,
         sum(c.balance_minor) OVER w - c.balance_minor AS vstart
    FROM coupons c JOIN b ON b.account_id = c.account_id
   WHERE c.balance_minor > 0
  WINDOW w AS (PARTITION BY c.account_id ORDER BY c.balance_minor DESC, c.expires_at, c.issued_at, c.id COLLATE "C")),
l AS (
  SELECT l.id, l.bill_id, b.account_id, l.amount_minor AS amt,
         sum(l.amount_minor) OVER (PARTITION BY l.bill_id ORDER BY l.usage_at, l.id COLLATE "C") - l.amount_minor AS lstart
    FROM bill_lines l JOIN b ON b.id = l.bill_id),
d AS (
  SELECT l.id AS line, l.bill_id, l.account_id, v.id AS coupon, v.bal, v.vstart,
         least(l.lstart + l.amt, v.vstart + v.bal) - greatest(l.lstart, v.vstart) AS take,
         least(l.lstart + l.amt, v.vstart + v.bal) AS drawn_to
    FROM l JOIN v ON v.account_id = l.account_id AND v.vstart < l.lstart + l.amt AND l.lstart < v.vstart + v.bal),
ins AS (
  INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, bill_id, bill_line_id, created_at)
  SELECT coupon, account_id, 'Deduction', take, bal - (drawn_to - vstart), bill_id, line, clock_timestamp() FROM d
  RETURNING 1),
ul AS (
  UPDATE bill_lines bl SET voucher_minor = s.t FROM (SELECT line, sum(take) AS t FROM d GROUP BY line) s
   WHERE bl.id = s.line RETURNING 1),
uc AS (
  UPDATE coupons c SET balance_minor = c.balance_minor - s.t FROM (SELECT coupon, sum(take) AS t FROM d GROUP BY coupon) s
   WHERE c.id = s.coupon RETURNING 1),
ub AS (UPDATE bills SET status = 'Closed', closed_at = clock_timestamp() WHERE id IN (SELECT id FROM b) RETURNING 1)
SELECT (SELECT count(*) FROM ins) AS ledger, (SELECT count(*) FROM ul) AS lines,
       (SELECT count(*) FROM uc) AS coupons, (SELECT count(*) FROM ub) AS bills`;

async function summary(sql: postgres.Sql) {
  const [r] = await sql<{ lines: string; voucher: string; total: string; ledger: string; closed: string }[]>`
    SELECT (SELECT count(*) FROM bill_lines)::text AS lines,
           (SELECT sum(voucher_minor) FROM bill_lines)::text AS voucher,
           (SELECT sum(amount_minor) FROM bill_lines)::text AS total,
           (SELECT count(*) FROM coupon_ledger WHERE type = 'Deduction')::text AS ledger,
           (SELECT count(*) FROM bills WHERE status = 'Closed')::text AS closed`;
  return r;
}

async function main() {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  for (const db of [DB_APP, DB_FLOOR]) await admin.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${DB_APP}`);
  const handle = await openDatabase({ url: url(DB_APP), poolMax: 4 });
  await migrateDatabase(handle);
  const load = postgres(url(DB_APP), { max: 1, onnotice: () => {} });
  let t0 = now();
  await load.unsafe(DATA_SQL).simple();
  await load.unsafe("VACUUM ANALYZE");
  const loadMs = now() - t0;
  const pgVersion = (await load<{ v: string }[]>`SELECT current_setting('server_version') AS v`)[0]?.v ?? "?";
  const sb = (await load<{ v: string }[]>`SELECT current_setting('shared_buffers') AS v`)[0]?.v;
  await load.end();
  log(`data: ${ACCOUNTS} accounts × ${LINES} lines in ${(loadMs / 1000).toFixed(1)} s`);
  // An identical copy for the floor (a template copy needs no other connection to the source).
  await handle.close();
  await admin.unsafe(`CREATE DATABASE ${DB_FLOOR} TEMPLATE ${DB_APP}`);
  await admin.end();

  // 1) The floor: one statement.
  const floorSql = postgres(url(DB_FLOOR), { max: 1, onnotice: () => {} });
  await floorSql`SELECT 1`;
  t0 = now();
  const [floorRow] = await floorSql.unsafe(FLOOR_SQL);
  const floorMs = now() - t0;
  const floorSum = await summary(floorSql);
  await floorSql.end();
  log(`floor: ${(floorMs / 1000).toFixed(2)} s`, floorRow);

  // 2) The product: close-cycle, one close_bill() per bill, sequentially, from this Node process.
  const app = await openDatabase({ url: url(DB_APP), poolMax: 4 });
  await migrateDatabase(app);
  const rss: number[] = [rssMb(process.pid)];
  const timer = setInterval(() => rss.push(rssMb(process.pid)), 250);
  const perBill: number[] = [];
  let last = now();
  t0 = now();
  const result = await closeCycle(app.db, null, CYCLE, () => {
    const t = now();
    perBill.push(t - last);
    last = t;
  });
  const appMs = now() - t0;
  clearInterval(timer);
  rss.push(rssMb(process.pid));
  const appSql = postgres(url(DB_APP), { max: 1, onnotice: () => {} });
  const appSum = await summary(appSql);
  await appSql.end();
  await app.close();
  log(`app: ${(appMs / 1000).toFixed(2)} s, ${result.closed} closed, ${result.refused.length} refused`);

  const lines = ACCOUNTS * LINES;
  const same = JSON.stringify(appSum) === JSON.stringify(floorSum);
  perBill.sort((a, b) => a - b);
  const p = (q: number) => perBill[Math.min(perBill.length - 1, Math.floor(q * perBill.length))] ?? 0;
  const firstRss = rss.slice(0, Math.max(1, Math.floor(rss.length / 4)));
  writeSection(
    "bills",
    `## Closing a pay-as-you-go cycle (\`npm run bench:bills\`)

${table(["machine", ""], machineFacts(`${pgVersion} (shared_buffers ${sb})`))}

${ACCOUNTS.toLocaleString("en-US")} accounts, each with one bill of ${LINES} hourly lines (${lines.toLocaleString("en-US")} lines,
products ecs/oss/rds, 0.01–20.00 each) and 3 general vouchers (500.00–2,500.00); about half of the
usage is paid by vouchers, the rest is cash due. Loaded with set-based SQL in ${(loadMs / 1000).toFixed(1)} s, then copied
(\`CREATE DATABASE … TEMPLATE\`) so both sides close identical data.

* **product**: \`closeCycle()\` (what \`npm run close-cycle\` and the operator's button run): for each open bill, one
  \`SELECT close_bill(…)\` — its own short transaction: lock the bill and the account's vouchers, judge them with
  \`voucher_reasons()\` at the closing instant, rank them with \`vouchers_by_priority()\`, draw line by line, write
  through \`voucher_post_batch()\`, close the bill.
* **floor**: one SQL statement over the whole cycle doing the same arithmetic (the same priority order, the
  same waterfall) and the same writes, with no per-bill transaction, no lock, no applicability judgement
  (every bench voucher is general, so the floor can skip it and still draw the same amounts).

${table(
  ["", "seconds", "lines/s", "ratio to the floor"],
  [
    [
      "floor: one statement",
      fmt(floorMs / 1000, 2),
      Math.round(lines / (floorMs / 1000)).toLocaleString("en-US"),
      "1",
    ],
    [
      "product: close_bill() per bill",
      fmt(appMs / 1000, 2),
      Math.round(lines / (appMs / 1000)).toLocaleString("en-US"),
      `**${fmt(floorMs / appMs, 2)}**`,
    ],
  ],
  ["l", "r", "r", "r"],
)}

* Same result on both sides: **${same ? "yes" : "NO"}** — lines ${Number(appSum?.lines).toLocaleString("en-US")}, voucher part
  ${Number(appSum?.voucher).toLocaleString("en-US")} of ${Number(appSum?.total).toLocaleString("en-US")} minor units,
  ${Number(appSum?.ledger).toLocaleString("en-US")} Deduction rows, ${appSum?.closed} bills closed${same ? "" : ` (floor: ${JSON.stringify(floorSum)})`}.
* Per bill (${LINES} lines): p50 ${fmt(p(0.5), 1)} ms, p95 ${fmt(p(0.95), 1)} ms, p99 ${fmt(p(0.99), 1)} ms.
* Memory of the closing Node process: ${fmt(Math.max(...firstRss), 0)} MB RSS in the first quarter of the run,
  ${fmt(Math.max(...rss), 0)} MB at the peak, ${fmt(rss.at(-1), 0)} MB at the end (${rss.length} samples): flat — bills are
  read 500 IDs at a time and each close is one statement whose lines never leave PostgreSQL.
`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
