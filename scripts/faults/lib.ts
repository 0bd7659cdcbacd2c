/**
 * Shared parts of the fault scripts (`npm run fault:kill`, `fault:terminate`, `fault:restart`; decision
 * 018, docs/RELIABILITY.md): a fresh database with the demo world and a payment workload, the app
 * started as `npm start` serves it (bench/lib.ts starts and stops it), a workload of payments and
 * refunds over HTTP where every operation keeps its idempotency key until it has an answer, and the
 * checks every script ends with: every key applied exactly once, drift 0, no negative balance.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { type DatabaseHandle, migrateDatabase, openDatabase, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD, seed } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import { createCaller } from "@/server/trpc/root";
import { log, now, sleep } from "../../bench/lib";

export { log, now, sleep };

export const PORT = Number(process.env.FAULT_PORT ?? 3360);
const ORDER_MINOR = 1_000;

/**
 * Creates a fresh database on the server at `baseUrl`, migrated, seeded, with the workload's pending
 * orders and the voucher every payment draws from (big enough that none is refused for its balance).
 */
export async function freshDatabase(
  baseUrl: string,
  orders: number,
): Promise<{ url: string; name: string; voucher: string }> {
  const name = `vc_fault_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(`${baseUrl}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `${baseUrl}/${name}`;
  const handle = await openDatabase({ url, poolMax: 2 });
  let voucher = "";
  try {
    await migrateDatabase(handle);
    await seed(handle.db);
    // The voucher is issued as the operator issues one, through the one writer of voucher money.
    const operator = await signIn(handle.db, "operator@example.com", DEMO_PASSWORD);
    if (!operator) throw new Error("sign-in as the operator failed");
    const issued = await createCaller({ handle, sessionToken: operator }).operator.issue({
      accountId: ACCOUNTS.alice,
      nominal: "1000000.00",
      effectiveFrom: "2020-01-01",
      expiresOn: "2099-12-31",
      idempotencyKey: `fault-issue-${name}`,
    });
    voucher = issued.id;
    await handle.db.execute(sql`
      INSERT INTO orders (id, account_id, product_code, payment_type, transaction_type, currency, amount_minor)
      SELECT 'ORD-FAULT-' || i, ${ACCOUNTS.alice}, 'ecs', 'Subscription', 'New Purchase', 'USD', ${ORDER_MINOR}
        FROM generate_series(1, ${orders}) AS i`);
  } finally {
    await handle.close();
  }
  return { url, name, voucher };
}

export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  const admin = postgres(`${baseUrl}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A real session of Alice's (the sign-in function the route uses), as a cookie header. */
export async function aliceCookie(url: string): Promise<string> {
  const handle: DatabaseHandle = await openDatabase({ url, poolMax: 1 });
  try {
    const token = await signIn(handle.db, "alice@example.com", DEMO_PASSWORD);
    if (!token) throw new Error("sign-in as alice failed");
    return `vc_session=${token}`;
  } finally {
    await handle.close();
  }
}

export type Op = {
  kind: "pay" | "refund";
  orderId: string;
  body: string;
  /** Every HTTP answer it got, in order (status), and the first 200's body. */
  statuses: number[];
  answer: string | null;
};

export const payOp = (i: number, voucher: string): Op => ({
  kind: "pay",
  orderId: `ORD-FAULT-${i}`,
  body: JSON.stringify({
    orderId: `ORD-FAULT-${i}`,
    couponId: voucher,
    expectedDeductionMinor: ORDER_MINOR,
    idempotencyKey: `fault-pay-${i}-${randomBytes(4).toString("hex")}`,
  }),
  statuses: [],
  answer: null,
});

export const refundOp = (i: number): Op => ({
  kind: "refund",
  orderId: `ORD-FAULT-${i}`,
  body: JSON.stringify({
    orderId: `ORD-FAULT-${i}`,
    amount: "4.00",
    idempotencyKey: `fault-ref-${i}-${randomBytes(4).toString("hex")}`,
  }),
  statuses: [],
  answer: null,
});

/**
 * The workload every script runs: a payment of each pending order, and a partial refund (a
 * multi-statement transaction) of every third order once its payment has answered 200; a refund goes
 * to the front of the queue. `followUp` is called with every answer.
 */
export function workload(orders: number, voucher: string) {
  const ops: Op[] = [];
  const queue: Op[] = [];
  for (let i = 1; i <= orders; i++) {
    const op = payOp(i, voucher);
    ops.push(op);
    queue.push(op);
  }
  const followUp = (op: Op | null, s: { status: number }) => {
    if (op?.kind !== "pay" || s.status !== 200 || op.statuses.filter((x) => x === 200).length !== 1) return;
    const i = Number(op.orderId.slice("ORD-FAULT-".length));
    if (i % 3 !== 0) return;
    const r = refundOp(i);
    ops.push(r);
    queue.unshift(r);
  };
  return { ops, queue, followUp };
}

export type Sent = { status: number; ms: number; body: string };

/** One HTTP call of an operation; status 0 when no answer came (connection refused or reset, or timed out). */
export async function send(base: string, cookie: string, op: Op, timeoutMs = 10_000): Promise<Sent> {
  const t0 = now();
  try {
    const r = await fetch(`${base}/api/trpc/orders.${op.kind}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: op.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await r.text();
    op.statuses.push(r.status);
    if (r.status === 200 && op.answer === null) op.answer = body;
    return { status: r.status, ms: now() - t0, body };
  } catch {
    op.statuses.push(0);
    return { status: 0, ms: now() - t0, body: "" };
  }
}

/** A read that every page makes: the Coupons list. */
export async function list(base: string, cookie: string, timeoutMs = 10_000): Promise<Sent> {
  const t0 = now();
  try {
    const input = encodeURIComponent(JSON.stringify({ limit: 20 }));
    const r = await fetch(`${base}/api/trpc/coupons.list?input=${input}`, {
      headers: { cookie },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: r.status, ms: now() - t0, body: await r.text() };
  } catch {
    return { status: 0, ms: now() - t0, body: "" };
  }
}

/**
 * Runs `workers` loops until `stop()` says so, each taking the next operation from `queue`; an
 * operation without a 200 goes back to the front of the queue (its key unchanged). Returns every call.
 */
export async function runLoad(
  base: string,
  cookie: string,
  queue: Op[],
  workers: number,
  stop: () => boolean,
  onCall: (op: Op | null, s: Sent) => void,
): Promise<void> {
  let reads = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (!stop()) {
        // Every fourth call of the first worker is a read, so reads see the faults too.
        if (w === 0 && reads++ % 4 === 3) {
          onCall(null, await list(base, cookie));
          continue;
        }
        const op = queue.shift();
        if (!op) {
          await sleep(20);
          continue;
        }
        const s = await send(base, cookie, op);
        onCall(op, s);
        // Retried first, with its key unchanged, as a page retries before it moves on.
        if (s.status !== 200) queue.unshift(op);
        // A refused connection (app or database down) answers at once: do not spin.
        if (s.status === 0 || s.status >= 500) await sleep(50);
      }
    }),
  );
}

/** Retries every operation that has no 200 yet until it has one (same key), and re-sends each answered one once: the same answer must come back. */
export async function settleAll(
  base: string,
  cookie: string,
  ops: Op[],
  deadlineMs = 60_000,
): Promise<number> {
  const t0 = now();
  let replays = 0;
  for (const op of ops) {
    while (op.answer === null) {
      if (now() - t0 > deadlineMs)
        throw new Error(`${op.kind} ${op.orderId}: no 200 within ${deadlineMs} ms`);
      const s = await send(base, cookie, op);
      if (s.status !== 200) await sleep(200);
    }
    const first = op.answer;
    const again = await send(base, cookie, op);
    if (again.status !== 200 || canonical(again.body) !== canonical(first))
      throw new Error(
        `${op.kind} ${op.orderId}: a replay answered differently: ${again.status} ${again.body.slice(0, 200)}`,
      );
    replays++;
  }
  return replays;
}

/** The same JSON whatever its key order (a stored answer comes back from jsonb with its keys sorted). */
const canonical = (body: string) => {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
  try {
    return JSON.stringify(sorted(JSON.parse(body)));
  } catch {
    return body;
  }
};

export type Verdict = {
  payKeys: number;
  paidOrders: number;
  deductions: number;
  refundKeys: number;
  refunds: number;
  drift: number;
  negative: number;
};

/**
 * The books after the faults: every operation's key claimed once, every paid order paid once with one
 * Deduction, every refunded order refunded once, each voucher's balance equal to its ledger (drift),
 * no negative balance. Throws when any of it fails.
 */
export async function verify(url: string, ops: Op[], voucher: string): Promise<Verdict> {
  const handle = await openDatabase({ url, poolMax: 1 });
  try {
    const [v] = await rows<Verdict>(
      handle.db,
      sql`SELECT
            (SELECT count(*)::int FROM idempotency_keys WHERE key LIKE 'fault-pay-%') AS "payKeys",
            (SELECT count(*)::int FROM orders WHERE id LIKE 'ORD-FAULT-%' AND status <> 'Pending Payment') AS "paidOrders",
            (SELECT count(*)::int FROM coupon_ledger WHERE coupon_id = ${voucher} AND type = 'Deduction') AS deductions,
            (SELECT count(*)::int FROM idempotency_keys WHERE key LIKE 'fault-ref-%') AS "refundKeys",
            (SELECT count(*)::int FROM refunds WHERE order_id LIKE 'ORD-FAULT-%') AS refunds,
            (SELECT count(*)::int FROM coupons c
              WHERE c.balance_minor <> (SELECT coalesce(sum(CASE WHEN l.type IN ('Issuance', 'Refund') THEN l.amount_minor
                                                                 ELSE -l.amount_minor END), 0)
                                          FROM coupon_ledger l WHERE l.coupon_id = c.id)) AS drift,
            (SELECT count(*)::int FROM coupons WHERE balance_minor < 0) AS negative`,
    );
    if (!v) throw new Error("no verdict");
    const pays = ops.filter((o) => o.kind === "pay").length;
    const refunds = ops.filter((o) => o.kind === "refund").length;
    const want = {
      payKeys: pays,
      paidOrders: pays,
      deductions: pays,
      refundKeys: refunds,
      refunds,
      drift: 0,
      negative: 0,
    };
    const wrong = Object.entries(want).filter(([k, n]) => v[k as keyof Verdict] !== n);
    if (wrong.length)
      throw new Error(
        `books are wrong: ${wrong.map(([k, n]) => `${k} ${v[k as keyof Verdict]} (want ${n})`).join(", ")}`,
      );
    return v;
  } finally {
    await handle.close();
  }
}

/** Latency and status summary of a set of calls. */
export function summarize(calls: Sent[]): string {
  const by = new Map<number, number>();
  for (const c of calls) by.set(c.status, (by.get(c.status) ?? 0) + 1);
  const ms = calls.map((c) => c.ms).sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]?.toFixed(0) ?? "–";
  const statuses = [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s === 0 ? "no answer" : s}: ${n}`)
    .join(", ");
  return `${calls.length} calls (${statuses}); p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms`;
}
