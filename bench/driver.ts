/**
 * bench:driver — the app's pool driver, before and after decision 018: node-postgres (pg, what
 * db/client.ts opens now) against postgres.js (what it opened before, configured as it was), both
 * running the app's own procedures in process through `createCaller` on the bench data set
 * (vc_bench, `npm run bench:data`), with the session looked up from its cookie as over HTTP.
 *
 *   list  coupons.list, 50 rows, rotating over the 1,000 bench accounts (c=10 and c=1)
 *   pay   orders.pay, each call a fresh pending order of a rotating account (c=10)
 *
 * Blocks of BENCH_SECONDS (default 4) alternate between the drivers, 4 per driver and workload,
 * so a disturbance hits both alike; the median block is reported, and the ratio pg / postgres.js.
 * No HTTP and no Next here: this isolates what the driver costs per call.
 */
import { type ChildProcess, fork } from "node:child_process";
import autocannon, { type Req } from "autocannon";
import type postgres from "postgres";
import { type DatabaseHandle, migrateDatabase, openDatabase } from "@/db/client";
import { SESSION_COOKIE } from "@/server/auth/session";
import { createCaller } from "@/server/trpc/root";
import {
  BENCH_URL,
  DATA,
  fmt,
  log,
  machineFacts,
  now,
  percentile,
  sortNumbers,
  table,
  writeSection,
} from "./lib";
import { postgresJsHandle } from "./old-driver";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const BLOCKS = 4;
const TAG = Date.now().toString(36).toUpperCase();
const VOUCHER = (a: number) => `CP-DRV-${String(a).padStart(4, "0")}`;

const pgHandle = await openDatabase({ url: BENCH_URL, poolMax: 10 });
await migrateDatabase(pgHandle);
// postgres.js as db/client.ts configured it before decision 018.
const oldHandle: DatabaseHandle = postgresJsHandle(BENCH_URL);
const raw = pgHandle.sql as postgres.Sql;
const [{ version, sb } = { version: "?", sb: "?" }] = await raw<{ version: string; sb: string }[]>`
  SELECT split_part(version(), ' ', 2) AS version, current_setting('shared_buffers') AS sb`;
const [{ n: accounts } = { n: 0 }] = await raw<{ n: number }[]>`
  SELECT count(*)::int AS n FROM accounts WHERE id LIKE '51%'`;
if (accounts < DATA.accounts)
  throw new Error(`${BENCH_URL} has ${accounts} bench accounts: run npm run bench:data`);

// One voucher per account for the payments (re-used across runs), and enough pending orders.
await raw.begin(async (tx) => {
  await tx.unsafe(`
    INSERT INTO coupons (id, account_id, coupon_type, currency, nominal_minor, balance_minor, commodities, scopes,
                         payment_types, min_order_minor, effective_from, expires_at, issued_at, source, description)
    SELECT 'CP-DRV-' || lpad(a::text, 4, '0'), (${DATA.accountId(0)}::bigint + a)::text, 'Cash Coupon', 'USD',
           100000000, 100000000, '{}', '{}', '{Subscription,Pay-as-you-go}', 0, now() - interval '1 day',
           now() + interval '10 years', now() - interval '1 day', 'Direct issuance', 'bench:driver'
      FROM generate_series(1, ${DATA.accounts}) a
    ON CONFLICT (id) DO NOTHING`);
  await tx.unsafe(`
    INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, note, created_at)
    SELECT c.id, c.account_id, 'Issuance', c.nominal_minor, c.nominal_minor, 'bench:driver', c.issued_at
      FROM coupons c WHERE c.id LIKE 'CP-DRV-%' AND NOT EXISTS (SELECT 1 FROM coupon_ledger l WHERE l.coupon_id = c.id)`);
});
const ORDERS = 400_000;
await raw.unsafe(`
  INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor)
  SELECT 'ORD-DRV-${TAG}-' || k, (${DATA.accountId(0)}::bigint + 1 + k % ${DATA.accounts})::text, 'ecs',
         'Subscription', 'New Purchase', 'USD', 1
    FROM generate_series(0, ${ORDERS - 1}) k`);
await raw`ANALYZE orders`;

const callers = (h: DatabaseHandle) =>
  Array.from({ length: DATA.accounts }, (_, i) =>
    createCaller({ handle: h, sessionToken: DATA.token(DATA.accountId(i + 1)) }),
  );
const side = { pg: callers(pgHandle), "postgres.js": callers(oldHandle) };
type Side = keyof typeof side;

let orderK = 0;
const work = {
  list: (s: Side, i: number) => side[s][i % DATA.accounts]?.coupons.list({ limit: 50 }),
  pay: (s: Side) => {
    const k = orderK++;
    if (k >= ORDERS) throw new Error("out of pending orders");
    const a = k % DATA.accounts; // order k belongs to account 1 + k % accounts
    return side[s][a]?.orders.pay({
      orderId: `ORD-DRV-${TAG}-${k}`,
      couponId: VOUCHER(a + 1),
      expectedDeductionMinor: 1,
      idempotencyKey: `bench-drv-${TAG}-${k}`,
    });
  },
};

async function block(s: Side, w: keyof typeof work, c: number, seconds: number) {
  const lat: number[] = [];
  let errors = 0;
  let i = 0;
  const end = now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (now() < end) {
        const t0 = now();
        try {
          await work[w](s, i++);
          lat.push(now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const sorted = sortNumbers(lat);
  return { rps: lat.length / seconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95), errors };
}

type Got = Record<Side, { rps: number; p50: number; p95: number; errors: number }[]>;
/** One line of the table: the median block of each driver, every block in brackets, and the ratio. */
function row(label: string, got: Got): string[] {
  const m = (s: Side) => ({
    rps: median(got[s].map((r) => r.rps)),
    p50: median(got[s].map((r) => r.p50)),
    p95: median(got[s].map((r) => r.p95)),
    errors: got[s].reduce((a, r) => a + r.errors, 0),
    all: got[s].map((r) => r.rps.toFixed(0)).join(" / "),
  });
  const a = m("pg");
  const b = m("postgres.js");
  return [
    label,
    `${fmt(b.rps, 0)} (${b.all})`,
    `${fmt(a.rps, 0)} (${a.all})`,
    fmt(a.rps / b.rps, 3),
    `${fmt(b.p50, 2)} / ${fmt(b.p95, 2)}`,
    `${fmt(a.p50, 2)} / ${fmt(a.p95, 2)}`,
    `${b.errors} / ${a.errors}`,
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const load0 = (await import("node:os")).default.loadavg();
const results: string[][] = [];
for (const [w, c] of [
  ["list", 10],
  ["list", 1],
  ["pay", 10],
] as const) {
  // Warm both (connections, prepared statements), then alternate.
  await block("pg", w, c, 1);
  await block("postgres.js", w, c, 1);
  const got: Got = {
    pg: [],
    "postgres.js": [],
  };
  for (let b = 0; b < BLOCKS; b++) {
    for (const s of (b % 2 ? ["postgres.js", "pg"] : ["pg", "postgres.js"]) as Side[]) {
      const r = await block(s, w, c, SECONDS);
      got[s].push(r);
      log(
        `${w} c=${c} ${s}: ${r.rps.toFixed(0)}/s p50 ${r.p50.toFixed(2)} p95 ${r.p95.toFixed(2)} ms, errors ${r.errors}`,
      );
    }
  }
  results.push(row(`${w === "list" ? "coupons.list (50 rows)" : "orders.pay"} c=${c}`, got));
}

// ------------------------------------------------------------------ the same over HTTP
// Each driver in a server process of its own (bench/driver-server.ts: the Node entry's API door, the
// app's router, a pool of 10), the load from autocannon in this process: what a request over the wire
// loses or gains with the driver, framework cost included.
const HTTP_WARMUP = Number(process.env.BENCH_HTTP_WARMUP ?? 8);
const PORTS: Record<Side, number> = { pg: 3391, "postgres.js": 3392 };
const servers: ChildProcess[] = [];
for (const s of ["pg", "postgres.js"] as Side[]) {
  const child = fork("bench/driver-server.ts", [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_DRIVER: s, PORT: String(PORTS[s]) },
  });
  servers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`driver-server ${s} exited ${code}`)));
  });
}
const cookieOf = (a: number) => `${SESSION_COOKIE}=${DATA.token(DATA.accountId(a + 1))}`;
const LIST_PATH = `/api/trpc/coupons.list?input=${encodeURIComponent(JSON.stringify({ limit: 50 }))}`;
const httpWork = {
  list: (req: Req) => ({
    ...req,
    method: "GET" as const,
    path: LIST_PATH,
    headers: { ...req.headers, cookie: cookieOf(Math.floor(Math.random() * DATA.accounts)) },
  }),
  pay: (req: Req) => {
    const k = orderK++;
    const a = k % DATA.accounts;
    return {
      ...req,
      method: "POST" as const,
      path: "/api/trpc/orders.pay",
      headers: { ...req.headers, "content-type": "application/json", cookie: cookieOf(a) },
      body: JSON.stringify({
        orderId: `ORD-DRV-${TAG}-${k}`,
        couponId: VOUCHER(a + 1),
        expectedDeductionMinor: 1,
        idempotencyKey: `bench-drv-${TAG}-${k}`,
      }),
    };
  },
};

async function httpBlock(s: Side, w: keyof typeof httpWork, c: number, seconds: number) {
  const lat: number[] = [];
  let errors = 0;
  const inst = autocannon({
    url: `http://127.0.0.1:${PORTS[s]}`,
    connections: c,
    duration: seconds,
    timeout: 30,
    requests: [{ setupRequest: httpWork[w] }],
  });
  inst.on("response", (_client: unknown, status: number, _bytes: number, rt: number) => {
    lat.push(rt);
    if (status !== 200) errors++;
  });
  const result = await inst;
  const sorted = sortNumbers(lat);
  return {
    rps: lat.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    errors: errors + result.errors + result.timeouts,
  };
}

for (const [w, c] of [
  ["list", 10],
  ["list", 1],
  ["pay", 10],
] as const) {
  // A server process starts cold (V8 compiles the router, the pool connects): a longer warm-up.
  await httpBlock("pg", w, c, HTTP_WARMUP);
  await httpBlock("postgres.js", w, c, HTTP_WARMUP);
  const got: Got = {
    pg: [],
    "postgres.js": [],
  };
  for (let b = 0; b < BLOCKS; b++) {
    for (const s of (b % 2 ? ["postgres.js", "pg"] : ["pg", "postgres.js"]) as Side[]) {
      const r = await httpBlock(s, w, c, SECONDS);
      got[s].push(r);
      log(
        `HTTP ${w} c=${c} ${s}: ${r.rps.toFixed(0)}/s p50 ${r.p50.toFixed(2)} p95 ${r.p95.toFixed(2)} ms, errors ${r.errors}`,
      );
    }
  }
  results.push(row(`${w === "list" ? "coupons.list (50 rows)" : "orders.pay"} over HTTP, c=${c}`, got));
}
for (const child of servers) child.kill("SIGTERM");

const load1 = (await import("node:os")).default.loadavg();

writeSection(
  "driver",
  `## The pool driver: node-postgres vs postgres.js (\`npm run bench:driver\`)

${table(["machine", ""], machineFacts(`${version} (shared_buffers ${sb})`))}

The app's procedures called in process (\`createCaller\`, session looked up from its cookie, no HTTP) on
\`${BENCH_URL.replace(/\/\/[^@]*@/, "//")}\`, through a pool of 10 of each driver: **pg 8** (db/client.ts since
decision 018) and **postgres.js 3.4.9** configured as db/client.ts had it before. ${BLOCKS} blocks of ${SECONDS} s per
driver and workload, alternating, after a 1 s warm-up each; the median block is shown (all blocks in brackets).
The rows "over HTTP" run the same procedures through a server process per driver (\`bench/driver-server.ts\`: the
Node entry's API door, \`serveApi\`, with that driver's pool of 10), loaded by autocannon from this process after an 8 s warm-up per server and workload, blocks
alternating the same way: the driver's cost as a request over the wire sees it, framework included.
Load average before / after: ${load0.map((x) => x.toFixed(2)).join(" ")} / ${load1.map((x) => x.toFixed(2)).join(" ")}.

${table(
  [
    "workload",
    "postgres.js calls/s",
    "pg calls/s",
    "pg / postgres.js",
    "postgres.js p50 / p95 ms",
    "pg p50 / p95 ms",
    "errors (js / pg)",
  ],
  results,
  ["l", "r", "r", "r", "r", "r", "r"],
)}
`,
);
await pgHandle.close();
await oldHandle.close();
// Unused pending orders of this run stay pending; they belong to the bench accounts only.
process.exit(0);
