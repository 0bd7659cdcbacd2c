/**
 * bench:data — a fresh PostgreSQL database for the benchmarks, sized by `--vouchers N --accounts N`
 * (default 1,000,000 and vouchers / 1,000) and named by size (vc_bench for the default,
 * vc_bench_10m for `--vouchers 10m`; see bench/lib.ts), dropped and re-created: migrations, then N accounts with a user and a live session each
 * (cookie vc_session=bench-<accountId>), 1,000,000 vouchers with their ledger, and one voucher
 * (CP-HOT-0000001) with a 1,000,000-row history. Set-based SQL only; prints timings and writes
 * the "data" section of docs/BENCHMARKS.md.
 */
import postgres from "postgres";
import { migrateDatabase, openDatabase } from "@/db/client";
import { hashPassword } from "@/server/auth/password";
import { accountsSql, hotVoucherSql, invariantCheckSql, vouchersSql } from "./data-sql";
import {
  ADMIN_URL,
  BENCH_DB,
  BENCH_URL,
  DATA,
  dataComment,
  sizeLabel,
  fmt,
  log,
  machineFacts,
  now,
  table,
  writeSection,
} from "./lib";

async function main() {
  const steps: [string, number, string][] = [];
  const step = async <T>(name: string, fn: () => Promise<T>, detail = ""): Promise<T> => {
    const t0 = now();
    const r = await fn();
    const ms = now() - t0;
    steps.push([name, ms, detail]);
    log(`${name}: ${(ms / 1000).toFixed(2)} s ${detail}`);
    return r;
  };
  const total0 = now();

  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await step(
    "drop + create database",
    async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
      await admin.unsafe(`CREATE DATABASE ${BENCH_DB}`);
      // The size, for the benches to read back (dataSet() in bench/lib.ts).
      await admin.unsafe(`COMMENT ON DATABASE ${BENCH_DB} IS '${dataComment()}'`);
    },
    BENCH_DB,
  );
  await admin.end();

  await step("migrate (db/migrations)", async () => {
    const handle = await openDatabase({ url: BENCH_URL, poolMax: 1 });
    await migrateDatabase(handle);
    await handle.close();
  });

  const sql = postgres(BENCH_URL, { max: 1, onnotice: () => {}, connection: { TimeZone: "UTC" } });
  const exec = (s: string) => sql.unsafe(s);
  // Bulk-load settings for this session only. replica role skips the FK triggers: the data is
  // consistent by construction (checked below).
  await exec("SET session_replication_role = replica");
  await exec("SET synchronous_commit = off");
  await exec("SET maintenance_work_mem = '512MB'");
  await exec("SET work_mem = '256MB'");

  // Secondary indexes are rebuilt after the load: far faster than maintaining them row by row.
  const indexes = await sql<{ name: string; def: string }[]>`
    SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname IN ('coupons', 'coupon_ledger') AND NOT x.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`;
  await step(
    "drop secondary indexes",
    async () => {
      for (const ix of indexes) await exec(`DROP INDEX ${ix.name}`);
    },
    `${indexes.length} on coupons, coupon_ledger`,
  );

  const pw = await hashPassword("bench-password");
  await step(
    "accounts, users, sessions",
    async () => {
      for (const s of accountsSql(DATA.accounts, pw)) await exec(s);
    },
    `${DATA.accounts} each`,
  );

  const [create, insertCoupons, issuance, deductions] = vouchersSql(DATA.vouchers, DATA.accounts) as [
    string,
    string,
    string,
    string,
  ];
  await exec(create);
  await step("vouchers", () => exec(insertCoupons), `${DATA.vouchers.toLocaleString("en-US")} rows`);
  await step("ledger: Issuance rows", () => exec(issuance));
  await step("ledger: Deduction / Reclaim rows", () => exec(deductions));
  const [hotCoupon, hotLedger] = hotVoucherSql(DATA.hotId, 1, DATA.hotRows) as [string, string];
  await step(
    "hot voucher + its history",
    async () => {
      await exec(hotCoupon);
      await exec(hotLedger);
    },
    `${DATA.hotId}, ${DATA.hotRows.toLocaleString("en-US")} rows`,
  );

  await step("re-create secondary indexes", async () => {
    for (const ix of indexes) await exec(ix.def);
  });
  await exec("RESET session_replication_role");
  await step("VACUUM ANALYZE", () => exec("VACUUM (ANALYZE)"));

  const [bad] = await step("check ledger invariant", () => sql.unsafe<{ bad: number }[]>(invariantCheckSql));
  if ((bad?.bad ?? 1) !== 0) throw new Error(`ledger invariant broken for ${bad?.bad} vouchers`);

  const counts = await sql<{ t: string; n: number }[]>`
    SELECT 'accounts' t, count(*)::int n FROM accounts UNION ALL SELECT 'users', count(*) FROM users
    UNION ALL SELECT 'sessions', count(*) FROM sessions UNION ALL SELECT 'coupons', count(*) FROM coupons
    UNION ALL SELECT 'coupon_ledger', count(*) FROM coupon_ledger
    UNION ALL SELECT 'coupon_ledger of ' || ${DATA.hotId}, count(*) FROM coupon_ledger WHERE coupon_id = ${DATA.hotId}`;
  const mix = await sql<{ status: string; type: string; n: number }[]>`
    SELECT CASE WHEN reclaimed_at IS NOT NULL THEN 'Reclaimed' WHEN expires_at <= now() THEN 'Expired'
                WHEN effective_from > now() THEN 'Not yet effective' WHEN balance_minor = 0 THEN 'Used up'
                ELSE 'Available' END AS status, coupon_type::text AS type, count(*)::int AS n
    FROM coupons GROUP BY 1, 2 ORDER BY 1, 2`;
  const sizes = await sql<{ rel: string; size: string }[]>`
    SELECT relname AS rel, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class
    WHERE relname IN ('coupons', 'coupon_ledger') ORDER BY 1`;
  const dbSize = await sql<
    { size: string }[]
  >`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`;
  const pgVersion = (await sql<{ v: string }[]>`SELECT current_setting('server_version') AS v`)[0]?.v ?? "?";
  const sb = (await sql<{ v: string }[]>`SELECT current_setting('shared_buffers') AS v`)[0]?.v;
  await sql.end();
  const totalMs = now() - total0;
  log(`total ${(totalMs / 1000).toFixed(1)} s`);
  for (const c of counts) log(`${c.t}: ${Number(c.n).toLocaleString("en-US")}`);

  writeSection(
    "data",
    `## Data set ${BENCH_DB} (\`npm run bench:data -- --vouchers ${DATA.vouchers} --accounts ${DATA.accounts}\`)

${table(["machine", ""], machineFacts(`${pgVersion} (shared_buffers ${sb})`))}

Database \`${BENCH_DB}\` is dropped and re-created, migrated with \`migrateDatabase\`, then filled with
set-based SQL (\`generate_series\`, \`setseed(0.42)\`, so every run makes the same data; see
\`bench/data-sql.ts\`). For the load only, the session uses \`session_replication_role = replica\`
(no FK trigger per row) and the secondary indexes of \`coupons\` and \`coupon_ledger\` are dropped
and re-created afterwards; then \`VACUUM (ANALYZE)\`. The ledger invariant
(balance = Σ Issuance + Σ Refund − Σ Deduction/Reclaim/Expiry) is checked for every voucher at the end.

* ${DATA.accounts.toLocaleString("en-US")} accounts \`${DATA.accountId(1)}\`…\`${DATA.accountId(DATA.accounts)}\`, one user each, and one live session each: the
  cookie is \`vc_session=bench-<accountId>\` (the table holds its SHA-256, base64url).
* ${DATA.vouchers.toLocaleString("en-US")} vouchers \`CP-00000001\`…, ${Math.round(DATA.vouchers / DATA.accounts).toLocaleString("en-US")} per account (80 % cash, 20 % discount).
* Ledger: one Issuance row per voucher (${DATA.vouchers.toLocaleString("en-US")}), one Deduction or Reclaim row for every voucher below
  its nominal value, and **${DATA.hotId}** (account ${DATA.accountId(1)}) with a
  **${DATA.hotRows.toLocaleString("en-US")}-row history** (Deductions, a Refund every 100th row, notes with
  commas, quotes and a formula-like cell) for the export benchmark. So the ledger has
  ${Number(counts.find((c) => c.t === "coupon_ledger")?.n ?? 0).toLocaleString("en-US")} rows rather than ${sizeLabel(DATA.vouchers).toUpperCase()}: the invariant needs an Issuance row per voucher, and the export needs the long history.

${table(
  ["table", "rows"],
  counts.map((c) => [c.t, Number(c.n).toLocaleString("en-US")]),
  ["l", "r"],
)}

Voucher mix (status is derived at query time, so it drifts slowly as the data ages):

${table(
  ["status", "type", "vouchers"],
  mix.map((m) => [m.status, m.type, m.n.toLocaleString("en-US")]),
  ["l", "l", "r"],
)}

Sizes: ${sizes.map((s) => `${s.rel} ${s.size}`).join(", ")}; database ${dbSize[0]?.size}.

Timings (total **${(totalMs / 1000).toFixed(1)} s**):

${table(
  ["step", "seconds", ""],
  steps.map(([n, ms, d]) => [n, fmt(ms / 1000), d]),
  ["l", "r", "l"],
)}
`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
