/**
 * The Node entry `npm start` runs (server/main.ts, decision 017), as a child process on PostgreSQL
 * with two workers: SIGTERM while a payment is in flight lets the payment finish (R-MATCH-5: the
 * order is paid, the voucher deducted once), refuses new requests, leaves no database connection
 * behind (R-REL-1) and exits 0. Needs the production build (`npm run build`; `npm test` builds
 * first) and a reachable PostgreSQL; skipped with a warning otherwise.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Executor, migrateDatabase, openDatabase } from "@/db/client";
import * as schema from "@/db/schema";
import { DEMO_PASSWORD, seed } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import { adminUrl } from "./db";
import { insertPendingOrders, insertVoucher, orderRow } from "./orders-helpers";

const ROOT = path.resolve(import.meta.dirname, "..");
const built = existsSync(path.join(ROOT, ".next", "BUILD_ID"));

async function pgReachable(): Promise<boolean> {
  const sql = postgres(adminUrl(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let out = "";

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; server output:\n${out}`);
    await sleep(100);
  }
}

const ready = built && (await pgReachable());
if (!ready) console.warn("server-shutdown: skipped (needs `npm run build` and a reachable PostgreSQL)");

describe.skipIf(!ready)("the Node entry on PostgreSQL, two workers", () => {
  const dbName = `vc_t_sd_${randomBytes(4).toString("hex")}`;
  const url = (() => {
    const u = new URL(adminUrl());
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  let child: ChildProcess;
  let port = 0;
  let token = "";
  const ALICE = "5000000000000101";

  beforeAll(async () => {
    execFileSync("npm", ["run", "-s", "build:server"], { cwd: ROOT });
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    const handle = await openDatabase({ url, poolMax: 2 });
    await migrateDatabase(handle);
    await seed(handle.db);
    await insertVoucher(handle.db, { id: "CP-SD-0001", accountId: ALICE, nominalMinor: 10_000 });
    await insertPendingOrders(handle.db, [{ id: "ORD-SD-0001", accountId: ALICE, amountMinor: 500 }]);
    token = (await signIn(handle.db, "alice@example.com", DEMO_PASSWORD)) ?? "";
    await handle.close();
    expect(token).not.toBe("");

    port = await freePort();
    child = spawn(process.execPath, ["dist/server.mjs", "-p", String(port)], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: url,
        SEED_DEMO: "false",
        WEB_CONCURRENCY: "2",
        SHUTDOWN_GRACE_SECONDS: "60",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => {
      out += String(d);
    });
    child.stderr?.on("data", (d) => {
      out += String(d);
    });
    await until("two workers listening", () => (out.match(/listening on/g) ?? []).length === 2, 90_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });

  it("R-MATCH-5 R-REL-1: SIGTERM during a payment: the payment completes, new requests are refused, no connection is left, exit 0", async () => {
    const base = `http://127.0.0.1:${port}`;
    expect(out).toContain("PostgreSQL: 2 workers (WEB_CONCURRENCY)");
    expect((await fetch(`${base}/api/trpc/health.ping`)).status).toBe(200);

    // Hold the voucher's row so the payment waits inside its transaction.
    const db = postgres(url, { max: 2, onnotice: () => {} });
    const lock = await db.reserve();
    await lock`BEGIN`;
    await lock`SELECT 1 FROM coupons WHERE id = 'CP-SD-0001' FOR UPDATE`;

    const payment = fetch(`${base}/api/trpc/orders.pay`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: `vc_session=${token}` },
      body: JSON.stringify({
        orderId: "ORD-SD-0001",
        couponId: "CP-SD-0001",
        expectedDeductionMinor: 500,
        idempotencyKey: "sd-key-0001",
      }),
    }).then(async (r) => ({ status: r.status, body: await r.text() }));
    let early: string | null = null;
    void payment.then((p) => {
      early = `${p.status} ${p.body}`;
    });
    await until("the payment waiting on the voucher's lock", async () => {
      if (early) throw new Error(`the payment did not wait: ${early}\n${out}`);
      const [w] = await db<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      return (w?.n ?? 0) > 0;
    });

    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    await until("both workers draining", () => (out.match(/SIGTERM: draining/g) ?? []).length === 2);

    // A new request is refused: the connection (both workers closed their listeners) or a 503.
    const fresh = await fetch(`${base}/api/trpc/health.ping`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(fresh);

    // The payment is still in flight; release the lock and it completes.
    await sleep(300);
    await lock`COMMIT`;
    lock.release();
    const paid = await payment;
    expect(paid.status, paid.body).toBe(200);
    expect(await exited).toBe(0);
    expect(out).toContain("stopped");

    const order = await orderRow(drizzleOf(db), "ORD-SD-0001");
    expect(order?.status).toBe("Paid");
    const [bal] = await db<
      { b: string }[]
    >`SELECT balance_minor::text AS b FROM coupons WHERE id = 'CP-SD-0001'`;
    expect(bal?.b).toBe("9500");
    await db.end();
    // R-REL-1: every connection the server held is closed (this test's own are closed above).
    const [left] = await admin<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${dbName}`;
    expect(left?.n).toBe(0);
  });
});

function drizzleOf(sql: postgres.Sql): Executor {
  return drizzle(sql, { schema, casing: "snake_case" }) as unknown as Executor;
}
