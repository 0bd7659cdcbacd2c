/**
 * Fault script (R-REL-1): PostgreSQL itself goes away and comes back while the app serves payments,
 * refunds and lists. The script makes a cluster of its own (initdb into a temporary folder, pg_ctl on
 * port 55432 by default, so the machine's server is untouched), starts the app on it, and restarts the
 * cluster three times under load (a fast shutdown, an immediate one — a crash as far as clients can
 * tell — and a fast one again), each with a few seconds of outage. The app is never restarted. During
 * an outage every call must answer promptly and cleanly (503, never 500 or a hang); after each start
 * the app serves again by itself; at the end every operation retried with its key is applied once,
 * drift 0. The cluster and its folder are removed at the end.
 *
 *   npm run fault:restart     (FAULT_PG_PORT, default 55432; FAULT_PORT, default 3360)
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBuild, startServer } from "../../bench/lib";
import {
  aliceCookie,
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

const PG_PORT = Number(process.env.FAULT_PG_PORT ?? 55432);
const ORDERS = 6_000;

function pgBin(): string {
  try {
    return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
  } catch {
    const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
    return `/usr/lib/postgresql/${versions[0]}/bin`;
  }
}
const BIN = pgBin();
const dir = mkdtempSync(path.join(os.tmpdir(), "vc-fault-pg-"));
const data = path.join(dir, "data");
const asRoot = process.getuid?.() === 0;
/** PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user. */
const pgRun = (cmd: string, args: string[]) =>
  asRoot
    ? execFileSync("runuser", ["-u", "postgres", "--", path.join(BIN, cmd), ...args], { stdio: "pipe" })
    : execFileSync(path.join(BIN, cmd), args, { stdio: "pipe" });
if (asRoot) {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  chownSync(dir, uid, gid);
}
const pgStart = () =>
  pgRun("pg_ctl", [
    "-D",
    data,
    "-l",
    path.join(dir, "postgres.log"),
    "-w",
    "-o",
    `-p ${PG_PORT} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`,
    "start",
  ]);
const pgStop = (mode: "fast" | "immediate") => pgRun("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);

log(ensureBuild());
log(`initdb ${data} (${BIN})`);
pgRun("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
pgStart();
const base = `postgres://postgres@127.0.0.1:${PG_PORT}`;
let ok = false;
try {
  const db = await freshDatabase(base, ORDERS);
  const cookie = await aliceCookie(db.url);
  const { ops, queue, followUp } = workload(ORDERS, db.voucher);
  type Call = Sent & { end: number };
  const calls: Call[] = [];
  const onCall = (op: Op | null, s: Sent) => {
    calls.push({ ...s, end: now() });
    followUp(op, s);
  };
  const server = await startServer({ DATABASE_URL: db.url, SEED_DEMO: "false", PGLITE_DIR: undefined }, PORT);
  try {
    let stop = false;
    const load = runLoad(server.url, cookie, queue, 8, () => stop, onCall);
    const outages: { mode: string; from: number; to: number; recoveredMs: number }[] = [];
    for (const mode of ["fast", "immediate", "fast"] as const) {
      await sleep(3_000);
      const from = now();
      pgStop(mode);
      log(`PostgreSQL stopped (${mode})`);
      await sleep(4_000);
      pgStart();
      const to = now();
      log("PostgreSQL started");
      // Recovered: the first successful call that ended after the start.
      let recoveredMs = Number.NaN;
      for (let i = 0; i < 150 && Number.isNaN(recoveredMs); i++) {
        await sleep(100);
        const first = calls.find((c) => c.end > to && c.status === 200);
        if (first) recoveredMs = first.end - to;
      }
      outages.push({ mode, from, to, recoveredMs });
      log(`served again ${recoveredMs.toFixed(0)} ms after the start`);
    }
    await sleep(3_000);
    stop = true;
    await load;
    const during = calls.filter((c) => outages.some((o) => c.end >= o.from && c.end <= o.to));
    const slowDuring = during.filter((c) => c.ms > 2_000).length;
    const bad = calls.filter((c) => (c.status >= 500 && c.status !== 503) || c.status === 0).length;
    const sentOnce = ops.filter((o) => o.statuses.length > 0);
    const replays = await settleAll(server.url, cookie, sentOnce);
    const v = await verify(db.url, sentOnce, db.voucher);
    const alive = server.child.exitCode === null;
    log(`all calls: ${summarize(calls)}`);
    log(`calls that ended during an outage: ${summarize(during)}`);
    const verdict =
      `RESULT fault:restart — 3 restarts (fast, immediate, fast; 4 s outage each), app process ${alive ? "never restarted" : "EXITED"}; ` +
      `${during.length} calls during the outages: ${during.filter((c) => c.status === 503).length} answered 503, ${slowDuring} took over 2 s; ` +
      `${bad} answers 500/none in the whole run; served again ${outages.map((o) => `${o.recoveredMs.toFixed(0)} ms`).join(", ")} after each start; ` +
      `${sentOnce.length} operations settled with their keys, ${replays} replays the same; ` +
      `books: ${v.paidOrders} paid / ${v.deductions} deductions, ${v.refunds} refunds, drift ${v.drift}, negative ${v.negative}`;
    log(verdict);
    if (!alive || bad > 0 || slowDuring > 0 || outages.some((o) => Number.isNaN(o.recoveredMs)))
      throw new Error("R-REL-1 not met");
    ok = true;
  } finally {
    await server.stop();
  }
} finally {
  try {
    pgStop("fast");
  } catch {}
  if (ok) rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir} for inspection`);
}
process.exit(ok ? 0 : 1);
