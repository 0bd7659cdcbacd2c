/**
 * bench:pay — the money path (issue 3), one run, side by side on the real PostgreSQL (database from
 * bench:data, plus the additive rows below):
 *   raw    the money transaction in SQL (conditional debit UPDATE … RETURNING, ledger INSERT, order
 *          UPDATE) by pgbench -M prepared, every transaction its own pending order;
 *   ping   health.ping over HTTP (the no-op tRPC procedure) on the same server;
 *   pay    POST /api/trpc/orders.pay, every request a distinct pending order of the voucher's owner
 *          with a fresh idempotency key and the exact expected deduction (0.01 on 0.01 orders);
 * spread over 1,000 vouchers (one per account) at c=1 and at saturation, and on one hot voucher; then
 * the payment page's matching (orders.paymentOptions) for an account with 10,000 vouchers at c=1.
 * Ledger drift is checked for every touched voucher afterwards. Writes the "pay" section of docs/BENCHMARKS.md.
 *
 * Additive data (idempotent; never touches bench:data's rows): products if missing; CP-PAY-0001…1000
 * (one cash voucher per bench account, 10,000.00 USD, General) and CP-PAY-HOT (account 2, 100 M USD),
 * each with its Issuance row; account 5100000009002001 with a user, a session and 10,000 vouchers
 * (CP-M-00001…, mixed: 80 % cash, some expired / not yet effective / used up / product- or scope-limited);
 * pending orders of 0.01 USD created per run in bulk (pending leftovers of earlier runs are deleted).
 */
import { createHash } from "node:crypto";
import inspector from "node:inspector";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type Db, migrateDatabase, openDatabase } from "@/db/client";
import * as schema from "@/db/schema";
import { hashPassword } from "@/server/auth/password";
import { getSessionUser, sessionTokenHash } from "@/server/auth/session";
import { paymentOptions } from "@/server/orders/queries";
import { payOrder } from "@/server/orders/service";
import {
  BENCH_DB,
  BENCH_URL,
  DATA,
  ensureBuild,
  ensureOut,
  fmt,
  interleavedRounds,
  log,
  machineFacts,
  now,
  sleep,
  startServer,
  table,
  writeSection,
  dataSet,
  ADAPTER,
  ENTRY,
  type Door,
  doorLabel,
  NEXT_START,
  PORT,
  ROUNDS,
  roundsTable,
} from "./lib";
import {
  errorText,
  type HttpReq,
  MAIN_ALIGN,
  MAIN_HEADER,
  type Measured,
  measured,
  row,
  rps,
  runHttp,
  runPgbench,
  stats,
} from "./load";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// Long enough for V8 to optimise the request path (a server that has answered a few thousand calls).
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const LEVELS = (process.env.BENCH_LEVELS ?? "1,10").split(",").map(Number);
const SAT = LEVELS.filter((c) => c > 1);
/** The measured targets, as labelled in the log and the report. */
const L = {
  rawSpread: "raw money tx, spread (pgbench)",
  rawHot: "raw money tx, hot voucher (pgbench)",
  ping: "health.ping over HTTP",
  paySpread: "orders.pay over HTTP, spread",
  payHot: "orders.pay over HTTP, hot voucher",
  fnSpread: "the app's payment statement alone, spread (pgbench)",
  rawMatch: "raw: the page's voucher statement (pgbench)",
  match: "orders.paymentOptions over HTTP",
};
// Issue 13: c=1 p95 ≤ raw + 1 ms; spread ≥ 2× next start's; hot voucher ≥ 0.8× the raw hot transaction.
const TARGETS = {
  p95AddMs: 1,
  payPingRatio: 0.5,
  hotPingRatio: 0.4,
  matchP95Ms: 20,
  spreadVsNext: 2,
  hotVsRaw: 0.8,
};
/** The interleaved rounds' targets: spread pay through the entry and next start, the entry's hot voucher, raw hot. */
const PAY_ROUND = ["spread", "next", "hot", "rawHot"] as const;
type PayRound = (typeof PAY_ROUND)[number];
/** Other doors, at the first saturation level: before/after and one worker per core. */
const DOORS: { tag: string; door: Door }[] = [
  { tag: "(next start)", door: NEXT_START },
  { tag: "(tRPC's adapter)", door: ADAPTER },
  { tag: "(2 workers)", door: { kind: "entry", workers: 2 } },
];

// Digits of a spread voucher's number: 4 for the 1 M set's 1,000 accounts, 5 for the 10 M set's 10,000
// (with 4, lpad cut account 10,000's number to "1000", another account's voucher).
// (DATA is filled in from the database by dataSet() at start: read it when used, not at load.)
const payDigits = () => Math.max(4, String(DATA.accounts).length);

const PAY = {
  voucher: (i: number) => `CP-PAY-${String(i).padStart(payDigits(), "0")}`,
  balance: 1_000_000, // 10,000.00 USD: 0.01 per payment stays exact for a long time
  hot: "CP-PAY-HOT",
  hotOwner: DATA.accountId(2),
  hotBalance: 10_000_000_000, // 100 M USD
  matchAccount: String(5100000009002001),
  matchVouchers: 10_000,
  matchOrder: "ORD-BM-0001",
  /** Pending orders made per run for the HTTP side (each request takes the next one). */
  spreadOrders: Number(process.env.BENCH_PAY_SPREAD_ORDERS ?? 250_000),
  hotOrders: Number(process.env.BENCH_PAY_HOT_ORDERS ?? 80_000),
};
const TAG = Date.now().toString(36).toUpperCase();
const acctSql = (expr: string) => `(${DATA.accountId(0)}::bigint + ${expr})::text`;
const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");
const cookie = (accountId: string) => `vc_session=${DATA.token(accountId)}`;

// ------------------------------------------------------------------ additive data

async function prepareData(sql: postgres.Sql) {
  const t0 = now();
  await sql.unsafe(`INSERT INTO products (code, name, excluded_from_general, is_resource_plan) VALUES
    ('ecs', 'Elastic Compute Service (ECS)', false, false), ('oss', 'Object Storage Service (OSS)', false, false),
    ('rds', 'ApsaraDB RDS', false, false), ('domains', 'Domains', false, false), ('email', 'Email', false, false),
    ('cloud_os', 'Cloud OS', true, false), ('ecs_plan', 'ECS Resource Plan', false, true)
    ON CONFLICT (code) DO NOTHING`);
  const voucherWithIssuance = (select: string) => `
    WITH ins AS (
      INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, effective_from,
        expires_at, issued_at, source, description)
      ${select}
      ON CONFLICT (id) DO NOTHING
      RETURNING id, account_id, nominal_minor, issued_at)
    INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, note, created_at)
    SELECT id, account_id, 'Issuance', nominal_minor, nominal_minor, 'bench:pay', issued_at FROM ins`;
  await sql.unsafe(
    voucherWithIssuance(`SELECT 'CP-PAY-' || lpad(i::text, ${payDigits()}, '0'), ${acctSql("i")}, 'Cash Coupon', 'USD',
        ${PAY.balance}, ${PAY.balance}, now() - interval '30 days', now() + interval '365 days', now() - interval '30 days',
        'Direct issuance', 'bench:pay spread voucher'
      FROM generate_series(1, ${DATA.accounts}) i`),
  );
  await sql.unsafe(
    voucherWithIssuance(`SELECT '${PAY.hot}', '${PAY.hotOwner}', 'Cash Coupon', 'USD', ${PAY.hotBalance}, ${PAY.hotBalance},
        now() - interval '30 days', now() + interval '365 days', now() - interval '30 days', 'Direct issuance',
        'bench:pay hot voucher'`),
  );

  const [m] = await sql<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM accounts WHERE id = ${PAY.matchAccount}`;
  if (!m?.n) {
    const pw = await hashPassword("bench-password");
    await sql.begin(async (tx) => {
      await tx`INSERT INTO accounts (id, name, time_zone, currency, created_at)
               VALUES (${PAY.matchAccount}, 'Bench matching account (10,000 vouchers)', 'Asia/Shanghai', 'USD', now() - interval '800 days')`;
      await tx`INSERT INTO users (id, email, name, password_hash, account_id, role)
               VALUES ('bench-u-match', 'bench-match@bench.example', 'Bench matching user', ${pw}, ${PAY.matchAccount}, 'customer')`;
      await tx`INSERT INTO sessions (token_hash, user_id, expires_at)
               VALUES (${hashToken(DATA.token(PAY.matchAccount))}, 'bench-u-match', now() + interval '30 days')`;
      // Deterministic mix from i: 80 % cash; by h = i·7919 mod 100: 20 % expired, 5 % not yet effective,
      // 15 % used up, 20 % partly used, the rest untouched; some limited to products, scopes,
      // payment types or a minimum order.
      await tx.unsafe(`
        INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, discount_bps,
          discount_cap_minor, commodities, scopes, payment_types, min_order_minor, effective_from, expires_at,
          issued_at, source, description)
        SELECT 'CP-M-' || lpad(i::text, 5, '0'), '${PAY.matchAccount}',
          CASE WHEN i % 5 <> 0 THEN 'Cash Coupon' ELSE 'Discount Coupon' END::coupon_type, 'USD', nominal,
          CASE WHEN h BETWEEN 25 AND 39 THEN 0 WHEN h BETWEEN 40 AND 59 THEN nominal / 2 ELSE nominal END,
          CASE WHEN i % 5 = 0 THEN (5 + i % 30) * 100 END, CASE WHEN i % 5 = 0 THEN nominal END,
          CASE i % 10 WHEN 1 THEN ARRAY['ecs', 'rds'] WHEN 2 THEN ARRAY['oss'] ELSE '{}'::text[] END,
          CASE WHEN i % 7 = 3 THEN '{Renewal}'::transaction_type[] ELSE '{}'::transaction_type[] END,
          CASE WHEN i % 9 = 4 THEN '{Pay-as-you-go}'::payment_type[] ELSE '{Subscription,Pay-as-you-go}'::payment_type[] END,
          CASE WHEN i % 11 = 5 THEN 100000 ELSE 0 END,
          CASE WHEN h BETWEEN 20 AND 24 THEN now() + (1 + i % 60) * interval '1 day' ELSE issued END,
          CASE WHEN h < 20 THEN now() - (1 + i % 199) * interval '1 day'
               WHEN h BETWEEN 20 AND 24 THEN now() + (91 + i % 60) * interval '1 day'
               ELSE now() + (1 + i % 364) * interval '1 day' END,
          issued, 'Direct issuance', ''
        FROM (SELECT i, (i * 7919) % 100 AS h, (1 + i % 200)::bigint * 500 AS nominal,
                     now() - (CASE WHEN (i * 7919) % 100 < 20 THEN 200 + i % 300 ELSE 1 + i % 30 END) * interval '1 day' AS issued
              FROM generate_series(1, ${PAY.matchVouchers}) i) s`);
      await tx.unsafe(`
        INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, note, created_at)
        SELECT id, account_id, 'Issuance', nominal_minor, nominal_minor, 'bench:pay', issued_at
        FROM coupons WHERE account_id = '${PAY.matchAccount}' ORDER BY id`);
      await tx.unsafe(`
        INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, order_id, note, created_at)
        SELECT id, account_id, 'Deduction', nominal_minor - balance_minor, balance_minor, 'ORD-BM-HIST-' || substr(id, 6),
               'bench:pay', least(now(), expires_at) - interval '1 hour'
        FROM coupons WHERE account_id = '${PAY.matchAccount}' AND balance_minor < nominal_minor ORDER BY id`);
      await tx`INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor)
               VALUES (${PAY.matchOrder}, ${PAY.matchAccount}, 'ecs', 'Subscription', 'New Purchase', 'USD', 15000)`;
    });
    await sql.unsafe("ANALYZE coupons");
  }

  // Fresh pending orders for this run's HTTP side (leftovers of earlier runs are deleted).
  const [del] = await sql.unsafe<{ n: number }[]>(`WITH d AS (DELETE FROM orders
      WHERE (id LIKE 'ORD-BPS-%' OR id LIKE 'ORD-BPH-%' OR id LIKE 'ORD-BPT-%' OR id LIKE 'ORD-BR-%')
        AND status = 'Pending Payment' RETURNING 1) SELECT count(*)::int AS n FROM d`);
  await sql.begin(async (tx) => {
    await tx.unsafe("SET LOCAL session_replication_role = replica"); // FKs hold by construction
    await tx.unsafe(`INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor)
      SELECT 'ORD-BPS-${TAG}-' || k, ${acctSql(`1 + (k - 1) % ${DATA.accounts}`)}, 'ecs', 'Subscription', 'New Purchase', 'USD', 1
      FROM generate_series(1, ${PAY.spreadOrders}) k`);
    await tx.unsafe(`INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor)
      SELECT 'ORD-BPH-${TAG}-' || k, '${PAY.hotOwner}', 'ecs', 'Subscription', 'New Purchase', 'USD', 1
      FROM generate_series(1, ${PAY.hotOrders}) k`);
    // For the in-process profile.
    await tx.unsafe(`INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor)
      SELECT 'ORD-BPT-${TAG}-' || k, ${acctSql(`1 + (k - 1) % ${DATA.accounts}`)}, 'ecs', 'Subscription', 'New Purchase', 'USD', 1
      FROM generate_series(1, 2000) k`);
  });
  await sql.unsafe("ANALYZE orders");
  log(
    `additive data ready in ${fmt((now() - t0) / 1000)} s (deleted ${del?.n ?? 0} stale pending orders; ${PAY.spreadOrders} + ${PAY.hotOrders} new)`,
  );
}

/** Pending orders for one raw run: k in [base, base + count), account by k (spread) or the hot owner. */
async function rawOrders(sql: postgres.Sql, hot: boolean, base: number, count: number) {
  await sql.begin(async (tx) => {
    await tx.unsafe("SET LOCAL session_replication_role = replica");
    await tx.unsafe(`INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor)
      SELECT 'ORD-BR-${TAG}-' || k, ${hot ? `'${PAY.hotOwner}'` : acctSql(`1 + k % ${DATA.accounts}`)}, 'ecs', 'Subscription',
             'New Purchase', 'USD', 1
      FROM generate_series(${base}, ${base + count - 1}) k`);
  });
}

/** The raw money transaction: k = base + client + clients·n is this transaction's own order. */
function rawScript(dir: string, hot: boolean, fn = false): string {
  const vid = hot ? `'${PAY.hot}'` : `'CP-PAY-' || lpad(:aid::text, ${payDigits()}, '0')`;
  const acct = hot ? `'${PAY.hotOwner}'` : `(${DATA.accountId(0)}::bigint + :aid)::text`;
  const file = path.join(dir, `pay-raw-${hot ? "hot" : "spread"}${fn ? "-fn" : ""}.pgbench.sql`);
  if (fn) {
    // The app's own money statement, without Node, as orders.pay sends it: the live session of
    // the cookie 'bench-<account>' (its SHA-256, base64url, computed here) joined to its user,
    // then pay_order() for that user's account.
    const token = `rtrim(translate(encode(sha256(convert_to('bench-' || ${acct}, 'UTF8')), 'base64'), '+/', '-_'), '=')`;
    writeFileSync(
      file,
      `\\set k :base + :client_id + :nc * :n
\\set n :n + 1
\\set aid 1 + :k % ${DATA.accounts}
SELECT pay_order(u.account_id, u.id, 'pgb-${TAG}-' || :k, 'h', 'ORD-BR-${TAG}-' || :k, ${vid}, 1) FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ${token} AND s.expires_at > now();
`,
    );
    return file;
  }
  writeFileSync(
    file,
    `\\set k :base + :client_id + :nc * :n
\\set n :n + 1
\\set aid 1 + :k % ${DATA.accounts}
BEGIN;
UPDATE coupons SET balance_minor = balance_minor - 1 WHERE id = ${vid} AND balance_minor >= 1 AND reclaimed_at IS NULL AND effective_from <= clock_timestamp() AND expires_at > clock_timestamp() RETURNING balance_minor AS bal \\gset
INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, order_id, created_at) VALUES (${vid}, ${acct}, 'Deduction', 1, :bal, 'ORD-BR-${TAG}-' || :k, clock_timestamp());
UPDATE orders SET status = 'Paid', coupon_id = ${vid}, voucher_minor = 1, cash_minor = 0, paid_at = clock_timestamp() WHERE id = 'ORD-BR-${TAG}-' || :k AND status = 'Pending Payment';
COMMIT;
`,
  );
  return file;
}

// ------------------------------------------------------------------ checks

/** JSON with sorted keys (a stored idempotent answer comes back from jsonb in another key order). */
function canonical(text: string): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sort(x)]),
          )
        : v;
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return text;
  }
}

type Drift = { vouchers: number; drifted: number; negative: number; debited: number };

async function driftCheck(sql: postgres.Sql): Promise<Drift> {
  const ids = [...Array.from({ length: DATA.accounts }, (_, i) => PAY.voucher(i + 1)), PAY.hot];
  const [d] = await sql<Drift[]>`
    SELECT count(*)::int AS vouchers,
           count(*) FILTER (WHERE l.bal IS DISTINCT FROM c.balance_minor)::int AS drifted,
           count(*) FILTER (WHERE c.balance_minor < 0)::int AS negative,
           sum(c.nominal_minor - c.balance_minor)::bigint AS debited
    FROM coupons c
    LEFT JOIN (SELECT coupon_id,
                      sum(CASE WHEN type IN ('Issuance', 'Refund') THEN amount_minor ELSE -amount_minor END) AS bal
               FROM coupon_ledger WHERE coupon_id = ANY(${ids}) GROUP BY coupon_id) l ON l.coupon_id = c.id
    WHERE c.id = ANY(${ids})`;
  return {
    vouchers: d?.vouchers ?? 0,
    drifted: d?.drifted ?? -1,
    negative: d?.negative ?? -1,
    debited: Number(d?.debited ?? 0),
  };
}

/** This run's orders: paid ones must each have exactly one Deduction row of the same amount, and vice versa. */
async function orderCheck(sql: postgres.Sql, prefix: string) {
  const [r] = await sql<{ paid: number; ledger: number; mismatch: number }[]>`
    SELECT count(*) FILTER (WHERE o.status = 'Paid')::int AS paid, count(l.id)::int AS ledger,
           count(*) FILTER (WHERE (o.status = 'Paid') <> (l.id IS NOT NULL)
                              OR (l.id IS NOT NULL AND (l.amount_minor <> o.voucher_minor OR l.coupon_id <> o.coupon_id)))::int AS mismatch
    FROM orders o LEFT JOIN coupon_ledger l ON l.order_id = o.id AND l.type = 'Deduction'
    WHERE o.id LIKE ${`${prefix}%`}`;
  return r ?? { paid: 0, ledger: 0, mismatch: -1 };
}

// ------------------------------------------------------------------ in-process profile

type Captured = { query: string; params: unknown[] };

/** Runs the real functions on a client whose debug hook records every statement; times them in-process. */
async function profile(): Promise<{
  payStatements: Captured[];
  matchStatements: Captured[];
  candidate: Captured;
  steps: string[][];
  candidateSql: Awaited<ReturnType<typeof candidateVariants>>;
  cpuBuckets: string[][];
}> {
  const captured: Captured[] = [];
  let recording = true;
  const sql = postgres(BENCH_URL, {
    max: 1,
    onnotice: () => {},
    connection: { TimeZone: "UTC" },
    debug: (_c: number, query: string, params: unknown[]) => {
      if (recording) captured.push({ query, params: [...params] });
    },
  });
  const db = drizzle(sql, { schema, casing: "snake_case" }) as unknown as Db;
  let k = 0;
  const payOnce = () => {
    k++;
    const a = 1 + ((k - 1) % DATA.accounts);
    // As orders.pay calls it: the caller known by the cookie's session hash, checked in the statement.
    return payOrder(
      db,
      { sessionHash: sessionTokenHash(DATA.token(DATA.accountId(a))) as string },
      {
        orderId: `ORD-BPT-${TAG}-${k}`,
        couponId: PAY.voucher(a),
        expectedDeductionMinor: 1,
        idempotencyKey: `bench-pay-${TAG}-t-${k}`,
      },
    );
  };
  await payOnce();
  // Without postgres.js's one-time type lookup on a new connection.
  const payStatements = captured.splice(0).filter((c) => !/pg_catalog\.pg_type/.test(c.query));
  await getSessionUser(db, DATA.token(PAY.matchAccount));
  captured.splice(0);
  await paymentOptions(db, PAY.matchAccount, PAY.matchOrder);
  const matchStatements = captured.splice(0);
  // The statement that reads the account's vouchers (whatever its shape: the page's SQL may change).
  const candidate =
    matchStatements.find((c) => /\bfrom "?coupons"?/i.test(c.query) && !/from "orders"/i.test(c.query)) ??
    matchStatements.find((c) => /\bcoupons\b/i.test(c.query));
  if (!candidate) throw new Error("could not capture the page's voucher SQL");
  recording = false;

  const fetched = (await sql.unsafe(candidate.query, candidate.params as never[])).length;
  const steps: [string, number, () => unknown][] = [
    ["orders.pay: payOrder (one transaction, spread voucher)", 300, payOnce],
    [
      "getSessionUser (the separate session lookup of other procedures; orders.pay does it in its statement)",
      500,
      () => getSessionUser(db, DATA.token(DATA.accountId(7))),
    ],
    [
      "orders.paymentOptions: paymentOptions (10,000-voucher account)",
      40,
      () => paymentOptions(db, PAY.matchAccount, PAY.matchOrder),
    ],
    [
      `  its voucher statement alone on postgres.js (sql.unsafe, ${fetched.toLocaleString("en-US")} rows)`,
      40,
      () => sql.unsafe(candidate.query, candidate.params as never[]),
    ],
    [
      "  JSON.stringify of the paymentOptions answer",
      200,
      (() => {
        let body: unknown = null;
        return async () => {
          body ??= await paymentOptions(db, PAY.matchAccount, PAY.matchOrder);
          return JSON.stringify({ result: { data: body } });
        };
      })(),
    ],
  ];
  const out: string[][] = [];
  for (const [name, iters, fn] of steps) {
    // Warm-up, then at most `iters` calls or ~2 s, whichever comes first (some steps take hundreds of ms).
    const w0 = now();
    for (let i = 0; i < Math.min(20, iters) && now() - w0 < 1000; i++) await fn();
    const cpu0 = process.cpuUsage();
    const t0 = now();
    let done = 0;
    while (done < iters && (done < 5 || now() - t0 < 2000)) {
      await fn();
      done++;
    }
    const wall = (now() - t0) / done;
    const cpu = process.cpuUsage(cpu0);
    out.push([name, fmt(wall), fmt((cpu.user + cpu.system) / 1000 / done)]);
    log(
      `  profile ${name.trim()}: wall ${fmt(wall)} ms, CPU ${fmt((cpu.user + cpu.system) / 1000 / done)} ms (${done} calls)`,
    );
  }
  const cpuBuckets = await cpuProfile(payOnce, 500);
  await sql.end();
  return {
    payStatements,
    matchStatements,
    candidate,
    steps: out,
    candidateSql: await candidateVariants(candidate),
    cpuBuckets,
  };
}

/**
 * A V8 CPU profile (node:inspector) of `n` calls, self time grouped by where it runs: drizzle-orm (building
 * SQL), postgres.js (protocol, parsing), socket writes (one syscall per statement), GC, the app, the rest.
 */
async function cpuProfile(fn: () => Promise<unknown>, n: number): Promise<string[][]> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))),
    );
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  await post("Profiler.start");
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const cpu = process.cpuUsage(cpu0);
  type Node = { id: number; callFrame: { functionName: string; url: string } };
  const { profile } = await post<{ profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } }>(
    "Profiler.stop",
  );
  session.disconnect();
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const buckets = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const dt = profile.timeDeltas[i] ?? 0;
    if (!f || f.functionName === "(idle)") return;
    busy += dt;
    const u = f.url;
    const k =
      f.functionName === "writeBuffer" || f.functionName === "writev"
        ? "socket writes (native writeBuffer: one syscall per statement)"
        : f.functionName === "(garbage collector)"
          ? "garbage collector"
          : /node_modules\/drizzle-orm/.test(u)
            ? "drizzle-orm (building SQL, mapping rows)"
            : /node_modules\/postgres\//.test(u)
              ? "postgres.js (protocol, parsing)"
              : /\/work\/|\/server\/|\/db\//.test(u) && !/node_modules/.test(u)
                ? "app code (server/, db/)"
                : "other (Node internals, microtasks, native)";
    buckets.set(k, (buckets.get(k) ?? 0) + dt);
  });
  const perCall = (cpu.user + cpu.system) / 1000 / n;
  return [...buckets]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, `${Math.round((v / busy) * 100)} %`, fmt((v / busy) * perCall)]);
}

/** Median wall ms of `n` calls. */
async function medianMs(n: number, fn: () => Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await fn();
    t.push(now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(n / 2)] as number;
}

/**
 * The candidate-voucher statement as captured, its plan, and a rewrite that keeps the per-account
 * index usable (own vouchers UNION ALL shared ones), timed on the same data.
 */
async function candidateVariants(candidate: Captured) {
  const sql = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  try {
    const plan = (
      await sql.unsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN (ANALYZE, TIMING OFF) ${candidate.query}`,
        candidate.params as never[],
      )
    )
      .map((r) => r["QUERY PLAN"])
      .join("\n");
    // The OR-with-IN shape (own or shared) can be rewritten as own UNION ALL shared, index-friendly.
    const oldShape = /IN \(SELECT "coupon_shares"/.test(candidate.query) && candidate.params.length === 3;
    const cols = /^select (.*?) from "coupons"/is.exec(candidate.query)?.[1] ?? "*";
    const rewrite = `select ${cols} from "coupons" where "coupon_type" = $1 and "account_id" = $2
      union all
      select ${cols} from "coupons" where "coupon_type" = $1 and "account_id" <> $2
        and "id" in (select "coupon_id" from "coupon_shares" where "account_id" = $2)`;
    const p = [candidate.params[0], candidate.params[1]];
    const asIs = await medianMs(5, () => sql.unsafe(candidate.query, candidate.params as never[]));
    const rewritten = oldShape ? await medianMs(5, () => sql.unsafe(rewrite, p as never[])) : Number.NaN;
    const n = (await sql.unsafe(candidate.query, candidate.params as never[])).length;
    // Database-side execution time (EXPLAIN ANALYZE), without the client's row parsing.
    const exec = async (q: string, params: unknown[]) => {
      const t: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await sql.unsafe<{ "QUERY PLAN": string }[]>(
          `EXPLAIN (ANALYZE, TIMING OFF) ${q}`,
          params as never[],
        );
        const m = /Execution Time: ([\d.]+) ms/.exec(r.map((x) => x["QUERY PLAN"]).join("\n"));
        t.push(Number(m?.[1] ?? Number.NaN));
      }
      return t.sort((a, b) => a - b)[2] as number;
    };
    const asIsDb = await exec(candidate.query, candidate.params);
    const rewrittenDb = oldShape ? await exec(rewrite, p) : Number.NaN;
    log(
      `  page's voucher statement: as is ${fmt(asIs)} ms (DB ${fmt(asIsDb)} ms)${oldShape ? `, rewritten ${fmt(rewritten)} ms (DB ${fmt(rewrittenDb)} ms)` : ""} (${n} rows)`,
    );
    const seqScan = /Seq Scan on coupons/.test(plan);
    return { plan, asIs, rewritten, asIsDb, rewrittenDb, rows: n, oldShape, seqScan };
  } finally {
    await sql.end();
  }
}

/** pgbench script for a captured statement, parameters as pgbench variables. */
function capturedScript(
  c: Captured,
  dir: string,
  name: string,
): { file: string; defines: Record<string, string> } {
  const defines: Record<string, string> = {};
  const query = c.query.replace(/\$(\d+)/g, (_m, d: string) => {
    defines[`p${d}`] = String(c.params[Number(d) - 1]);
    return `:p${d}`;
  });
  const file = path.join(dir, name);
  writeFileSync(file, `${query.replace(/\s*\n\s*/g, " ")};\n`);
  return { file, defines };
}

// ------------------------------------------------------------------ main

async function main() {
  await dataSet();
  const dir = ensureOut();
  // The data set may predate this code: bring its schema and db/sql functions up to date first (the
  // page's statement is captured below, before any server starts).
  const migrated = await openDatabase({ url: BENCH_URL, poolMax: 1 });
  await migrateDatabase(migrated);
  await migrated.close();
  const sql = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  const [facts] = await sql<{ v: string; sb: string; sc: string; n: number }[]>`
    SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb,
           current_setting('synchronous_commit') AS sc,
           (SELECT count(*)::int FROM coupons WHERE id ~ '^CP-[0-9]{8}$') AS n`;
  if (!facts || facts.n < DATA.vouchers)
    throw new Error(`run npm run bench:data first (${BENCH_DB} has ${facts?.n ?? 0} bench vouchers)`);
  await prepareData(sql);
  const before = await driftCheck(sql);
  if (before.drifted !== 0) throw new Error(`ledger drift before the run: ${JSON.stringify(before)}`);

  log("in-process profile …");
  const prof = await profile();
  log(
    `orders.pay sends ${prof.payStatements.length} statements; paymentOptions ${prof.matchStatements.length}`,
  );
  const matchRaw = capturedScript(prof.candidate, dir, "pay-match.pgbench.sql");
  if (process.env.BENCH_PROFILE_ONLY) {
    await sql.end();
    return;
  }

  const build = ensureBuild();
  const serverEnv = { DATABASE_URL: BENCH_URL, SEED_DEMO: "false", PGLITE_DIR: undefined };
  let server = await startServer(serverEnv);
  const runs: Measured[] = [];
  let payRounds: Record<PayRound, number>[] = [];
  const http = server.url;

  // Request feeds: every request takes the next pending order.
  let spreadK = 0;
  const spreadReq = (): HttpReq => {
    spreadK++;
    const a = 1 + ((spreadK - 1) % DATA.accounts);
    return {
      method: "POST",
      path: "/api/trpc/orders.pay",
      headers: { "content-type": "application/json", cookie: cookie(DATA.accountId(a)) },
      body: JSON.stringify({
        orderId: `ORD-BPS-${TAG}-${spreadK}`,
        couponId: PAY.voucher(a),
        expectedDeductionMinor: 1,
        idempotencyKey: `bench-pay-${TAG}-s-${spreadK}`,
      }),
    };
  };
  let hotK = 0;
  const hotReq = (): HttpReq => {
    hotK++;
    return {
      method: "POST",
      path: "/api/trpc/orders.pay",
      headers: { "content-type": "application/json", cookie: cookie(PAY.hotOwner) },
      body: JSON.stringify({
        orderId: `ORD-BPH-${TAG}-${hotK}`,
        couponId: PAY.hot,
        expectedDeductionMinor: 1,
        idempotencyKey: `bench-pay-${TAG}-h-${hotK}`,
      }),
    };
  };
  const pingReq = (): HttpReq => ({ path: "/api/trpc/health.ping" });
  const matchPath = `/api/trpc/orders.paymentOptions?input=${encodeURIComponent(JSON.stringify({ id: PAY.matchOrder }))}`;
  const matchReq = (): HttpReq => ({ path: matchPath, headers: { cookie: cookie(PAY.matchAccount) } });

  let rawBase = 1;
  const rawFiles = {
    spread: rawScript(dir, false),
    hot: rawScript(dir, true),
    fn: rawScript(dir, false, true),
  };
  const raw = async (hot: boolean, c: number, seconds: number, fn = false) => {
    // Enough pending orders for a fast run (checked afterwards: every transaction must have paid its order).
    const count = Math.ceil(c * (c === 1 ? 4_000 : 1_500) * (seconds + 1)) + 1_000;
    await rawOrders(sql, hot, rawBase, count);
    const r = runPgbench(
      fn ? rawFiles.fn : hot ? rawFiles.hot : rawFiles.spread,
      { base: rawBase, nc: c, n: 0 },
      c,
      seconds,
      dir,
    );
    const perClient = Math.max(0, ...(r.perClient?.values() ?? []));
    const [paid] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM orders WHERE id LIKE ${`ORD-BR-${TAG}-%`} AND status = 'Paid'
        AND substr(id, ${`ORD-BR-${TAG}-`.length + 1})::bigint BETWEEN ${rawBase} AND ${rawBase + count - 1}`;
    if ((paid?.n ?? 0) !== r.n) r.errors["orders not paid (pool too small)"] = r.n - (paid?.n ?? 0);
    rawBase += Math.max(count, c * (perClient + 1));
    return r;
  };

  let sanity = "";
  try {
    // Sanity: the app answers what we think.
    const p = await fetch(`${http}/api/trpc/health.ping`);
    const pay = spreadReq();
    const r = await fetch(`${http}${pay.path}`, { method: "POST", headers: pay.headers, body: pay.body });
    const payBody = await r.text();
    if (r.status !== 200) throw new Error(`orders.pay answered ${r.status}: ${payBody.slice(0, 400)}`);
    const again = await fetch(`${http}${pay.path}`, { method: "POST", headers: pay.headers, body: pay.body });
    const againBody = await again.text();
    const m = await fetch(`${http}${matchPath}`, { headers: matchReq().headers });
    const mBody = (await m.json()) as {
      result?: { data?: { applicableCount?: number; unavailableCount?: number; defaultVoucherId?: string } };
    };
    if (m.status !== 200)
      throw new Error(`paymentOptions answered ${m.status}: ${JSON.stringify(mBody).slice(0, 400)}`);
    const d = mBody.result?.data;
    sanity = `ping ${p.status}; orders.pay ${r.status} \`${payBody.slice(0, 160)}\`; the same request again (same idempotency key) ${again.status}, ${canonical(againBody) === canonical(payBody) ? "the same answer (no second deduction)" : `**a different answer** ${againBody.slice(0, 120)}`}; paymentOptions ${m.status}: ${d?.applicableCount} applicable, ${d?.unavailableCount} unavailable, default ${d?.defaultVoucherId}`;
    log(`sanity: ${sanity}`);

    const go = async (
      label: string,
      c: number,
      _seconds: number,
      keep: boolean,
      fn: () => Promise<unknown> | unknown,
    ) => {
      const m = await measured(label, c, server, fn as never);
      if (keep) {
        runs.push(m);
        const s = stats(m);
        log(
          `${label.padEnd(34)} c=${String(c).padEnd(2)} ${fmt(rps(m))} req/s, p50 ${fmt(s.p50)} p95 ${fmt(s.p95)} p99 ${fmt(s.p99)} ms, errors: ${errorText(m.errors)}`,
        );
      }
      await sleep(500);
      return m;
    };
    log(`warm-up ${WARMUP} s per target …`);
    await go(L.rawSpread, 10, WARMUP, false, () => raw(false, 10, WARMUP));
    await go(L.ping, 10, WARMUP, false, () => runHttp(http, pingReq, 10, WARMUP));
    await go(L.paySpread, 10, WARMUP, false, () => runHttp(http, spreadReq, 10, WARMUP));
    await go(L.payHot, 10, WARMUP, false, () => runHttp(http, hotReq, 10, WARMUP));
    await go(L.match, 1, WARMUP, false, () => runHttp(http, matchReq, 1, WARMUP));

    for (const c of LEVELS) {
      await go(L.rawSpread, c, SECONDS, true, () => raw(false, c, SECONDS));
      await go(L.ping, c, SECONDS, true, () => runHttp(http, pingReq, c, SECONDS));
      await go(L.paySpread, c, SECONDS, true, () => runHttp(http, spreadReq, c, SECONDS));
      await go(L.fnSpread, c, SECONDS, true, () => raw(false, c, SECONDS, true));
    }
    for (const c of SAT) {
      await go(L.rawHot, c, SECONDS, true, () => raw(true, c, SECONDS));
      await go(L.payHot, c, SECONDS, true, () => runHttp(http, hotReq, c, SECONDS));
    }
    await go(L.rawMatch, 1, SECONDS, true, () =>
      runPgbench(matchRaw.file, matchRaw.defines, 1, SECONDS, dir),
    );
    await go(L.match, 1, SECONDS, true, () => runHttp(http, matchReq, 1, SECONDS));
    await server.stop();
    for (const { tag, door } of SAT.length ? DOORS : []) {
      const c = SAT[0] as number;
      log(`${doorLabel(door)}: ping and spread pay at c=${c} …`);
      server = await startServer(serverEnv, undefined, door);
      const u = server.url;
      await go(`${L.ping} ${tag}`, c, WARMUP, false, () => runHttp(u, pingReq, c, WARMUP));
      await go(`${L.paySpread} ${tag}`, c, WARMUP, false, () => runHttp(u, spreadReq, c, WARMUP));
      await go(`${L.ping} ${tag}`, c, SECONDS, true, () => runHttp(u, pingReq, c, SECONDS));
      await go(`${L.paySpread} ${tag}`, c, SECONDS, true, () => runHttp(u, spreadReq, c, SECONDS));
      if (door.kind === "entry") {
        await go(`${L.payHot} ${tag}`, c, SECONDS, true, () => runHttp(u, hotReq, c, SECONDS));
      }
      await server.stop();
    }
    if (SAT.length && ROUNDS > 0) {
      // The entry and next start up at once; spread pay through each, the entry's hot voucher and the
      // raw hot transaction measured in turn (issue 13).
      const c = SAT[0] as number;
      log(
        `interleaved rounds at c=${c}: spread through the entry and next start, hot and raw hot, ${ROUNDS} rounds …`,
      );
      const entry = await startServer(serverEnv, PORT + 1, ENTRY);
      const next = await startServer(serverEnv, PORT + 2, NEXT_START);
      try {
        const rate = async (t: PayRound, secs: number) => {
          const r =
            t === "rawHot"
              ? await raw(true, c, secs)
              : await runHttp(t === "next" ? next.url : entry.url, t === "hot" ? hotReq : spreadReq, c, secs);
          if (Object.keys(r.errors).length > 0)
            throw new Error(`${t}: errors in an interleaved round: ${JSON.stringify(r.errors)}`);
          return r.n / r.secs;
        };
        for (const t of PAY_ROUND) await rate(t, WARMUP);
        payRounds = await interleavedRounds(PAY_ROUND, ROUNDS, (t) => rate(t, SECONDS));
      } finally {
        await entry.stop();
        await next.stop();
      }
    }
    if (spreadK > PAY.spreadOrders || hotK > PAY.hotOrders)
      log(
        `WARNING: ran out of pending orders (spread ${spreadK}/${PAY.spreadOrders}, hot ${hotK}/${PAY.hotOrders})`,
      );
  } finally {
    await server.stop();
    log(`server stopped (log: ${path.relative(process.cwd(), server.logFile)})`);
  }

  await sleep(500);
  const after = await driftCheck(sql);
  const spreadOrders = await orderCheck(sql, `ORD-BPS-${TAG}-`);
  const hotOrders = await orderCheck(sql, `ORD-BPH-${TAG}-`);
  const rawOrdersCheck = await orderCheck(sql, `ORD-BR-${TAG}-`);
  log(
    `drift after: ${JSON.stringify(after)}; spread ${JSON.stringify(spreadOrders)}; hot ${JSON.stringify(hotOrders)}; raw ${JSON.stringify(rawOrdersCheck)}`,
  );
  await sql.end();

  // ---------------------------------------------------------------- targets
  const get = (label: string, c: number) => runs.find((r) => r.label === label && r.c === c);
  const pf = (ok: boolean) => (ok ? "pass" : "FAIL");
  const lines: string[] = [];
  const verdicts: boolean[] = [];
  const payC1 = get(L.paySpread, 1);
  const rawC1 = get(L.rawSpread, 1);
  if (payC1 && rawC1) {
    const a = stats(payC1).p95;
    const b = stats(rawC1).p95;
    const ok = a <= b + TARGETS.p95AddMs;
    verdicts.push(ok);
    lines.push(
      `* **Spread, c=1:** orders.pay p95 **${fmt(a)} ms** (p50 ${fmt(stats(payC1).p50)}, p99 ${fmt(stats(payC1).p99)}) vs raw money transaction p95 **${fmt(b)} ms**: app − raw = ${fmt(a - b)} ms (target ≤ +${TARGETS.p95AddMs} ms) → **${pf(ok)}**.`,
    );
  }
  const driftOk = after.drifted === 0 && after.negative === 0;
  for (const c of SAT) {
    const p = get(L.paySpread, c);
    const g = get(L.ping, c);
    const h = get(L.payHot, c);
    const rs = get(L.rawSpread, c);
    const rh = get(L.rawHot, c);
    if (p && g) {
      const ratio = rps(p) / rps(g);
      const ok = ratio >= TARGETS.payPingRatio;
      verdicts.push(ok);
      lines.push(
        `* **Spread, c=${c} (saturation):** orders.pay ${fmt(rps(p))} req/s vs ping ${fmt(rps(g))} req/s = **${fmt(ratio)}** (target ≥ ${TARGETS.payPingRatio}) → **${pf(ok)}**; p99 ${fmt(stats(p).p99)} ms; pay/raw = ${rs ? fmt(rps(p) / rps(rs)) : "–"}; errors: ${errorText(p.errors)}.`,
      );
    }
    if (h && g) {
      const ratio = rps(h) / rps(g);
      const onlyAllowed = Object.keys(h.errors).every((k) =>
        /VOUCHER_CHANGED|VOUCHER_NOT_APPLICABLE/.test(k),
      );
      const ok = ratio >= TARGETS.hotPingRatio && onlyAllowed && driftOk;
      verdicts.push(ok);
      lines.push(
        `* **Hot voucher, c=${c}:** orders.pay ${fmt(rps(h))} req/s vs ping ${fmt(rps(g))} req/s = **${fmt(ratio)}** (target ≥ ${TARGETS.hotPingRatio}); errors: ${errorText(h.errors)} (allowed: balance exhausted / VOUCHER_CHANGED only); p99 ${fmt(stats(h).p99)} ms; raw hot ${rh ? fmt(rps(rh)) : "–"} tx/s → **${pf(ok)}**.`,
      );
    }
  }
  verdicts.push(driftOk && spreadOrders.mismatch === 0 && hotOrders.mismatch === 0);
  lines.push(
    `* **Drift:** ${after.vouchers} touched vouchers (${PAY.voucher(1)}…${DATA.accounts}, ${PAY.hot}): balance ≠ Σ ledger for **${after.drifted}**, negative balance for ${after.negative}; this run's orders: spread ${spreadOrders.paid} paid / ${spreadOrders.ledger} Deduction rows / ${spreadOrders.mismatch} mismatched, hot ${hotOrders.paid} / ${hotOrders.ledger} / ${hotOrders.mismatch}, raw ${rawOrdersCheck.paid} / ${rawOrdersCheck.ledger} / ${rawOrdersCheck.mismatch} → **${pf(driftOk && spreadOrders.mismatch === 0 && hotOrders.mismatch === 0)}**.`,
  );
  for (const c of SAT.slice(0, 1)) {
    const p = get(L.paySpread, c);
    const pn = get(`${L.paySpread} (next start)`, c);
    const p2 = get(`${L.paySpread} (2 workers)`, c);
    const h = get(L.payHot, c);
    const h2 = get(`${L.payHot} (2 workers)`, c);
    const rh = get(L.rawHot, c);
    const rs = get(L.rawSpread, c);
    if (p && pn) {
      const ok = rps(p) / rps(pn) >= TARGETS.spreadVsNext;
      verdicts.push(ok);
      lines.push(
        `* **Door, spread, c=${c}:** orders.pay through the Node entry ${fmt(rps(p))} req/s vs ${fmt(rps(pn))} through \`next start\` = **${fmt(rps(p) / rps(pn))}×** (target ≥ ${TARGETS.spreadVsNext}×) → **${pf(ok)}**; pay/raw ${rs ? fmt(rps(p) / rps(rs)) : "–"} (${rs ? fmt(rps(pn) / rps(rs)) : "–"} before).`,
      );
    }
    if (h && rh) {
      const ok = rps(h) / rps(rh) >= TARGETS.hotVsRaw;
      verdicts.push(ok);
      lines.push(
        `* **Hot voucher vs raw, c=${c}:** ${fmt(rps(h))} req/s vs raw hot ${fmt(rps(rh))} tx/s = **${fmt(rps(h) / rps(rh))}** (target ≥ ${TARGETS.hotVsRaw}) → **${pf(ok)}**.`,
      );
    }
    const pa = get(`${L.paySpread} (tRPC's adapter)`, c);
    if (p && pa)
      lines.push(
        `* **The entry's own tRPC door (decision 019) vs tRPC's adapter, c=${c}:** spread ×${fmt(rps(p) / rps(pa))}, ping ×${fmt(rps(get(L.ping, c) ?? p) / rps(get(`${L.ping} (tRPC's adapter)`, c) ?? p))}.`,
      );
    if (p2 && pn && h2 && rh)
      lines.push(
        `* **As \`npm start\` runs on this box (one worker per core: 2), c=${c}:** spread ${fmt(rps(p2))} req/s vs ${fmt(rps(pn))} through \`next start\` = **${fmt(rps(p2) / rps(pn))}×** (target ≥ ${TARGETS.spreadVsNext}×: ${pf(rps(p2) / rps(pn) >= TARGETS.spreadVsNext)}); hot ${fmt(rps(h2))} vs raw hot ${fmt(rps(rh))} = **${fmt(rps(h2) / rps(rh))}** (target ≥ ${TARGETS.hotVsRaw}: ${pf(rps(h2) / rps(rh) >= TARGETS.hotVsRaw)}). The verdicts above are for one process.`,
      );
    if (p && p2)
      lines.push(
        `* **Two workers vs one, c=${c}:** spread ×${fmt(rps(p2) / rps(p))}${h && h2 ? `, hot ×${fmt(rps(h2) / rps(h))}` : ""}, ping ×${fmt(rps(get(`${L.ping} (2 workers)`, c) ?? p) / rps(get(L.ping, c) ?? p))} (load generator and PostgreSQL on the same 2 cores).`,
      );
  }
  const rounds = roundsTable(
    payRounds,
    [
      { target: "spread", label: "entry spread req/s" },
      { target: "next", label: "next start spread req/s" },
      { target: "hot", label: "entry hot req/s" },
      { target: "rawHot", label: "raw hot tx/s" },
    ],
    [
      { label: "spread entry / next start", of: "spread", to: "next", min: TARGETS.spreadVsNext },
      { label: "hot / raw hot", of: "hot", to: "rawHot", min: TARGETS.hotVsRaw },
    ],
  );
  if (payRounds.length > 0)
    for (const v of rounds.verdicts)
      lines.push(
        `* **Interleaved rounds (c=${SAT[0]}), ${v.label}:** median **${fmt(v.median)}** (target ≥ ${v.min}) → **${pf(v.median >= (v.min ?? 0))}**; met in ${v.met} of ${payRounds.length} rounds.`,
      );
  const mt = get(L.match, 1);
  if (mt) {
    const ok = stats(mt).p95 <= TARGETS.matchP95Ms;
    verdicts.push(ok);
    const rm = get(L.rawMatch, 1);
    lines.push(
      `* **Matching, 10,000-voucher account, c=1:** orders.paymentOptions p95 **${fmt(stats(mt).p95)} ms** (p50 ${fmt(stats(mt).p50)}, p99 ${fmt(stats(mt).p99)}; target ≤ ${TARGETS.matchP95Ms} ms) → **${pf(ok)}**; the page's voucher statement alone (pgbench) p95 ${rm ? fmt(stats(rm).p95) : "–"} ms.`,
    );
  }

  const mainRows = runs.map((m) => row(m, m.label.includes("(pgbench)")));
  const stmtList = (cs: Captured[]) =>
    cs
      .map(
        (c, i) =>
          `${i + 1}. \`${c.query.replace(/\s+/g, " ").slice(0, 150)}${c.query.length > 150 ? "…" : ""}\``,
      )
      .join("\n");

  writeSection(
    "pay",
    `## Paying with a voucher, ${DATA.label.toUpperCase()} vouchers: raw SQL vs orders.pay over HTTP (\`npm run bench:pay -- --data ${DATA.label}\`)

${table(["machine", ""], machineFacts(`${facts.v} (shared_buffers ${facts.sb}, synchronous_commit ${facts.sc})`))}

**Method.** Data from \`bench:data\` plus additive rows (idempotent, \`bench/pay.ts\`): one cash voucher per bench
account **${PAY.voucher(1)}…${DATA.accounts}** (10,000.00 USD, General), **${PAY.hot}** (account ${PAY.hotOwner}, 100 M USD), each with
its Issuance row, so they sit among the 1,000,000 vouchers of \`coupons\`; account **${PAY.matchAccount}** with a user,
a session and **10,000 vouchers** (80 % cash; expired, not yet effective, used up, product-, scope-, payment-type-
and minimum-limited ones); and, per run, pending orders of **0.01 USD** made in bulk
(${PAY.spreadOrders.toLocaleString("en-US")} spread over the 1,000 accounts, ${PAY.hotOrders.toLocaleString("en-US")} for the hot voucher's owner, plus the raw side's).
One Node entry process (\`npm start\`'s \`dist/server.mjs\`, \`WEB_CONCURRENCY=1\`, decision 017; ${build}), \`DATABASE_URL\` → ${BENCH_DB}, pool of 10;
then, at c=${SAT[0]}, ping and spread pay through plain \`next start\` (the door before issue 13), through the entry's API door with tRPC's own Node adapter (the door before decision 019; bench/adapter-server.ts) and through the entry with two workers (hot voucher too).
* **raw money tx**: pgbench -M prepared -j 1; one transaction = \`BEGIN\`; conditional debit
  \`UPDATE coupons SET balance_minor = balance_minor − 1 WHERE id = … AND balance_minor >= 1 AND <valid now> RETURNING\`;
  ledger \`INSERT\` (Deduction, balance after); \`UPDATE orders SET status = 'Paid' … WHERE id = … AND status = 'Pending Payment'\`;
  \`COMMIT\`. Every transaction pays its own pending order (k = base + client_id + clients·n, pgbench variables);
  spread: voucher CP-PAY-(1 + k mod ${DATA.accounts}); hot: ${PAY.hot}. Latency from \`pgbench -l\`.
* **the app's payment statement alone**: the same pgbench loop and orders, but each transaction is the statement
  orders.pay sends, without Node and HTTP: \`SELECT pay_order(u.account_id, u.id, key, hash, order, voucher, 1) FROM sessions s
  JOIN users u … WHERE s.token_hash = <the cookie's hash> AND s.expires_at > now()\` (the session is checked by the payment statement itself).
* **ping**: \`GET /api/trpc/health.ping\` (no session, no database).
* **orders.pay**: \`POST /api/trpc/orders.pay\`, body \`{"orderId","couponId","expectedDeductionMinor":1,"idempotencyKey"}\`
  (no transformer), cookie of the order's owner. Every request is a distinct pending order with a fresh idempotency
  key; spread: request k → account 1 + (k−1) mod ${DATA.accounts} and its CP-PAY voucher; hot: every request on ${PAY.hot}.
  The expected deduction is exact (min(balance, 0.01) = 0.01), so any VOUCHER_CHANGED would be a real race.
* **orders.paymentOptions**: \`GET /api/trpc/orders.paymentOptions?input={"id":"${PAY.matchOrder}"}\` for account ${PAY.matchAccount}
  (order: ECS, Subscription, New Purchase, 150.00 USD); raw = the candidate-voucher statement it sends (captured), pgbench.
* autocannon 9 in this process (no workers), every response timed; non-200 answers are classified by their domain code.
  Warm-up ${WARMUP} s per target, then ${SECONDS} s per measured run; at each c the order is raw, ping, pay. One repetition.
* CPU from /proc (server process tree, all postgres processes); "other CPU" = machine busy minus server, PostgreSQL
  and this script with pgbench: other work on the box (above ≈0.1 core the run was disturbed).
* Drift after the run: for every touched voucher, balance = Σ Issuance + Σ Refund − Σ Deduction − Σ Reclaim − Σ Expiry;
  and every order of this run is Paid exactly when it has one Deduction row of its voucher amount.

Sanity before the load: ${sanity}.

${table(MAIN_HEADER, mainRows, MAIN_ALIGN)}

**Interleaved rounds at c=${SAT[0]}** (issue 13: the entry and \`next start\` up at the same time, each with its own pool of 10;
per round spread pay through each, the entry's hot voucher and the raw hot transaction for ${SECONDS} s each, the order
rotated each round, so a slow stretch of this shared VM falls on all four rather than on one):

${payRounds.length ? rounds.table : "(not run: BENCH_ROUNDS=0)"}

**Against the targets**

${lines.join("\n")}

**Where the time goes** (in-process, this script's Node process, 1-connection pool, no HTTP):

${table(["step", "wall ms/call", "Node CPU ms/call"], prof.steps, ["l", "r", "r"])}

CPU profile of ${500} in-process payOrder calls (V8 sampling profiler, self time; ms/call scaled to the measured CPU per call):

${table(["where", "share of CPU", "ms/call"], prof.cpuBuckets, ["l", "r", "r"])}

orders.pay sends **${prof.payStatements.length} statement${prof.payStatements.length === 1 ? "" : "s"}**, each a round trip, the session check
included (no separate lookup); the raw transaction is 3 statements + BEGIN/COMMIT:

${stmtList(prof.payStatements)}

orders.paymentOptions sends ${prof.matchStatements.length} statements:

${stmtList(prof.matchStatements)}

Plan of the page's voucher statement for the 10,000-voucher account (EXPLAIN ANALYZE):

\`\`\`
${prof.candidateSql.plan}
\`\`\`

**Findings and suggestions** (not applied: the app code is not this script's to change)

${
  prof.candidateSql.seqScan
    ? `1. **Matching reads the whole \`coupons\` table.** The page's voucher statement (plan above) cannot use
   \`coupons_account_*_idx\`${prof.candidateSql.oldShape ? " because of `account_id = $2 OR id IN (SELECT coupon_id FROM coupon_shares …)`" : ""}, so every payment
   page scans all 1 M+ vouchers, whatever the account's size: ${fmt(prof.candidateSql.asIsDb)} ms of database time.${
     prof.candidateSql.oldShape
       ? ` Written as own vouchers \`UNION ALL\` shared ones (\`account_id = $2\` | \`account_id <> $2 AND id IN (… coupon_shares …)\`)
   it returns the same ${prof.candidateSql.rows.toLocaleString("en-US")} rows with **${fmt(prof.candidateSql.rewrittenDb)} ms** of database time
   (EXPLAIN ANALYZE, median of 5; wall at this script's client, parsing the rows included: ${fmt(prof.candidateSql.rewritten)} ms instead of ${fmt(prof.candidateSql.asIs)} ms).`
       : ""
   } The payment transaction's voucher lock is a primary-key lookup (\`onlyId\`), so paying is not affected.`
    : `1. **Matching's voucher statement uses the account index** (plan above): ${fmt(prof.candidateSql.asIsDb)} ms of database time
   for the 10,000-voucher account (EXPLAIN ANALYZE, median of 5); ${fmt(prof.candidateSql.asIs)} ms wall at this script's client.`
}
${
  prof.candidateSql.rows > 500
    ? `2. **The page then builds ${prof.candidateSql.rows.toLocaleString("en-US")} voucher objects** and judges them all in Node for a page that lists at most 100
   of each kind: filter in SQL what SQL can judge (currency, validity by \`now()\`, balance > 0, \`min_order_minor <= amount\`,
   commodity and scope), order by the priority (balance desc, expiry, issuance, id) with a LIMIT, and count the rest
   with \`count(*) FILTER (…)\` per reason; then Node handles ≤ 200 rows.`
    : `2. **The page fetches ${prof.candidateSql.rows.toLocaleString("en-US")} rows** (narrowed in SQL) and judges only those in Node.`
}
3. **orders.pay is ${prof.payStatements.length} round trip${prof.payStatements.length === 1 ? "" : "s"}** (${
      prof.payStatements.length === 1
        ? "one statement: the live session joined to its user, then `pay_order(…)`: the database function claims the key, locks order and voucher, judges, debits, writes the ledger row, marks the order paid and stores the answer"
        : "the statements listed above"
    }). Where its Node CPU goes (profile above): ${prof.cpuBuckets
      .slice(0, 4)
      .map(([k, share]) => `${k} ${share}`)
      .join("; ")}.
4. **Throughput is Node-bound** (server CPU per request above, one core): a second \`next start\` process on the other
   core raised throughput ×1.6–1.7 in the framework-floor study (/work/shared/research/performance-floor.md §5).
5. **Hot voucher:** payments on one voucher are serialised by its row lock, held from the function's \`FOR UPDATE\`
   to COMMIT (the WAL flush included, \`synchronous_commit\` on) — inside PostgreSQL only, never across a round trip.
   The raw transaction on the same row (hot, above) is the ceiling for any implementation.
`,
  );
  log(lines.join("\n"));
  if (verdicts.some((v) => !v)) log("one or more targets missed (see docs/BENCHMARKS.md)");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
