/**
 * Fault script (R-REL-1, the pool heals): while the app serves payments, refunds and lists, PostgreSQL
 * terminates every one of the app's connections 20 times (as a failover or an administrator's
 * pg_terminate_backend would), busy ones in the middle of their transactions. Every call must answer
 * (no call waits more than 2 s after a termination), failures must be clean (503, never 500), the
 * pool must have its connections back after each round, and at the end every operation retried with
 * its key is applied once, drift 0.
 *
 *   npm run fault:terminate   (FAULT_PG=postgres://…:5432 to choose the server; FAULT_PORT, default 3360)
 */
import postgres from "postgres";
import { ensureBuild, startServer } from "../../bench/lib";
import {
  aliceCookie,
  dropDatabase,
  freshDatabase,
  log,
  now,
  PORT,
  runLoad,
  type Sent,
  settleAll,
  sleep,
  summarize,
  type Op,
  verify,
  workload,
} from "./lib";

const PG = process.env.FAULT_PG ?? "postgres://postgres@127.0.0.1:5432";
const ROUNDS = 20;
const ORDERS = 6_000;

log(ensureBuild());
const db = await freshDatabase(PG, ORDERS);
log(`database ${db.name}`);
const cookie = await aliceCookie(db.url);
const { ops, queue, followUp } = workload(ORDERS, db.voucher);
type Call = Sent & { at: number };
const calls: Call[] = [];
const onCall = (op: Op | null, s: Sent) => {
  calls.push({ ...s, at: now() });
  followUp(op, s);
};

const admin = postgres(`${PG}/postgres`, { max: 1, onnotice: () => {} });
let ok = false;
const server = await startServer({ DATABASE_URL: db.url, SEED_DEMO: "false", PGLITE_DIR: undefined }, PORT);
try {
  let stop = false;
  const load = runLoad(server.url, cookie, queue, 10, () => stop, onCall);
  await sleep(2_000);
  const terminations: { at: number; killed: number; busy: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const [r] = await admin<{ killed: number; busy: number }[]>`
      SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS killed,
             count(*) FILTER (WHERE state <> 'idle')::int AS busy
        FROM pg_stat_activity WHERE datname = ${db.name} AND backend_type = 'client backend'`;
    terminations.push({ at: now(), killed: r?.killed ?? 0, busy: r?.busy ?? 0 });
    await sleep(1_000 + Math.random() * 1_000);
  }
  await sleep(2_000);
  stop = true;
  await load;
  // After each termination: the slowest call that started after it and before the next one.
  const worst = Math.max(...calls.map((c) => c.ms));
  // The same load before the first termination: what a call costs on this machine right now.
  const firstAt = terminations[0]?.at ?? Number.POSITIVE_INFINITY;
  const baseline = calls.filter((c) => c.at < firstAt);
  const over2s = calls.filter((c) => c.ms > 2_000).length;
  const server5xx = calls.filter((c) => c.status >= 500 && c.status !== 503).length;
  const [pool] = await admin<{ n: number; stuck: number }[]>`
    SELECT count(*)::int AS n, count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS stuck
      FROM pg_stat_activity WHERE datname = ${db.name} AND backend_type = 'client backend'`;
  const sentOnce = ops.filter((o) => o.statuses.length > 0);
  const replays = await settleAll(server.url, cookie, sentOnce);
  const v = await verify(db.url, sentOnce, db.voucher);
  const killed = terminations.reduce((a, t) => a + t.killed, 0);
  const busy = terminations.reduce((a, t) => a + t.busy, 0);
  log(`calls before the first termination (baseline): ${summarize(baseline)}`);
  log(`all calls: ${summarize(calls)}`);
  const verdict =
    `RESULT fault:terminate — ${ROUNDS} rounds terminated ${killed} connections (${busy} of them busy); ` +
    `${calls.length} calls: slowest ${worst.toFixed(0)} ms, ${over2s} over 2 s, ${server5xx} answers 5xx other than 503; ` +
    `after the load ${pool?.n ?? 0} connections open, ${pool?.stuck ?? 0} stuck in a transaction; ` +
    `${sentOnce.length} operations settled with their keys, ${replays} replays answered the same; ` +
    `books: ${v.paidOrders} paid / ${v.deductions} deductions, ${v.refunds} refunds, drift ${v.drift}, negative ${v.negative}`;
  log(verdict);
  if (over2s > 0 || server5xx > 0 || (pool?.stuck ?? 0) > 0) throw new Error("R-REL-1 not met");
  ok = true;
} finally {
  await server.stop();
  await admin.end();
  if (ok) await dropDatabase(PG, db.name);
  else log(`kept database ${db.name} for inspection`);
}
process.exit(ok ? 0 : 1);
