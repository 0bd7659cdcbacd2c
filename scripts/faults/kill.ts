/**
 * Fault script (R-REL-1, exactly-once money): the app is killed with SIGKILL 10 times while it serves
 * payments and refunds, and started again each time. The client keeps each operation's idempotency
 * key until it gets an answer, as the console's pages do, and retries it after every kill. At the end
 * every operation is answered, a replay of each answers the same, and the books hold: every key
 * applied once (none lost, none duplicated), drift 0, no negative balance.
 *
 *   npm run fault:kill        (FAULT_PG=postgres://…:5432 to choose the server; FAULT_PORT, default 3360)
 */
import { descendants, ensureBuild, startServer } from "../../bench/lib";
import {
  aliceCookie,
  dropDatabase,
  freshDatabase,
  log,
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
const KILLS = 10;
const ORDERS = 3_000;

log(ensureBuild());
const db = await freshDatabase(PG, ORDERS);
log(`database ${db.name}`);
const cookie = await aliceCookie(db.url);
const { ops, queue, followUp } = workload(ORDERS, db.voucher);
const calls: Sent[] = [];
let unanswered = 0;
const onCall = (op: Op | null, s: Sent) => {
  calls.push(s);
  if (s.status === 0) unanswered++;
  followUp(op, s);
};

let ok = false;
try {
  for (let kill = 1; kill <= KILLS; kill++) {
    const server = await startServer(
      { DATABASE_URL: db.url, SEED_DEMO: "false", PGLITE_DIR: undefined },
      PORT,
    );
    let stop = false;
    const load = runLoad(server.url, cookie, queue, 8, () => stop, onCall);
    await sleep(1_000 + Math.random() * 2_000);
    const pids = [server.pid, ...descendants(server.pid)];
    for (const p of pids) {
      try {
        process.kill(p, "SIGKILL");
      } catch {}
    }
    const before = calls.length;
    stop = true;
    await load;
    await server.stop();
    log(
      `kill ${kill}/${KILLS}: SIGKILL to ${pids.length} process(es) after ${before} calls; ` +
        `${ops.filter((o) => o.answer === null && o.statuses.length > 0).length} operations waiting for an answer`,
    );
  }
  const server = await startServer({ DATABASE_URL: db.url, SEED_DEMO: "false", PGLITE_DIR: undefined }, PORT);
  try {
    const retried = ops.filter((o) => o.statuses.some((s) => s !== 200) && o.answer === null).length;
    const sentOnce = ops.filter((o) => o.statuses.length > 0);
    const replays = await settleAll(server.url, cookie, sentOnce);
    const v = await verify(db.url, sentOnce, db.voucher);
    log(`calls during the kills: ${summarize(calls)}`);
    log(
      `RESULT fault:kill — ${KILLS} SIGKILLs during load; ${sentOnce.length} operations ` +
        `(${sentOnce.filter((o) => o.kind === "pay").length} payments, ${sentOnce.filter((o) => o.kind === "refund").length} refunds), ` +
        `${unanswered} calls cut off without an answer, ${retried} operations finished by a retry with the same key after restart; ` +
        `${replays} replays answered the same; books: ${v.paidOrders} orders paid with ${v.deductions} deductions, ` +
        `${v.refunds} refunds for ${v.refundKeys} refund keys, drift ${v.drift}, negative balances ${v.negative}`,
    );
    ok = true;
  } finally {
    await server.stop();
  }
} finally {
  if (ok) await dropDatabase(PG, db.name);
  else log(`kept database ${db.name} for inspection`);
}
process.exit(ok ? 0 : 1);
