/**
 * bench:admin — the enterprise administrator's view (issue 4), one run on the real PostgreSQL
 * (database from bench:data, plus the additive rows below):
 *   list    coupons.list with accountId "all" (1,001 accounts: the financial account and its 1,000
 *           managed members, 1,000,000 vouchers) over HTTP, vs the exact statement it sends
 *           (captured; pgbench -M prepared) and health.ping on the same server, at c=1 and saturation;
 *   export  GET /api/coupons/export?account=all&sort=issued (≈1 M rows, COPY on a dedicated
 *           connection) vs psql running the same COPY with the export connection's session settings;
 *           time to first byte and to the first data row; server RSS sampled every 50 ms.
 * Writes the "admin" section of docs/BENCHMARKS.md.
 *
 * Additive data (idempotent): financial account 5100000009009001 with user bench-admin and a live
 * session (cookie vc_session=bench-admin-session), enterprise ent-bench owned by that user, the 1,000
 * bench accounts as active members, a live financial relationship to each, and the Cards and Coupons
 * permission for bench-admin on the financial account.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type Db, openDatabase } from "@/db/client";
import { parseListParams } from "@/lib/coupon-list-params";
import * as schema from "@/db/schema";
import { resolveAccountScope, viewableAccounts } from "@/server/auth/access";
import { hashPassword } from "@/server/auth/password";
import { getSessionUser, sessionTokenHash } from "@/server/auth/session";
import { streamCouponList } from "@/server/vouchers/export";
import { listCoupons } from "@/server/vouchers/queries";
import { listInput, listOutput } from "@/server/vouchers/schema";
import {
  APP_PG_ENV,
  BENCH_DB,
  BENCH_URL,
  cpuProbe,
  DATA,
  ensureBuild,
  ensureOut,
  fmt,
  log,
  machineFacts,
  mean,
  now,
  type Server,
  serverRssMb,
  sleep,
  startServer,
  table,
  writeSection,
  dataSet,
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
const REPS = Number(process.env.BENCH_EXPORT_REPS ?? 3);
const TARGETS = { p95AddMs: 3, listPingRatio: 0.6, exportRatio: 1.5, ttfbMs: 50, rssMb: 64 };

// Outside every data set's bench accounts (10 M vouchers has 10,000 of them: …0001 to …10000).
const FIN = "5100000009009001";
const TZ = "Asia/Shanghai"; // the admin's account zone
const TOKEN = "bench-admin-session";
const COOKIE = `vc_session=${TOKEN}`;
const INPUT = { accountId: "all" } as const; // the Coupons tab's defaults: all types, issued desc, 20 rows
const EXPORT_PATH = "/api/coupons/export?account=all&sort=issued";
/** The session settings of the app's export connection (server/vouchers/export.ts copyStream). */
const PGOPTIONS = `-c TimeZone=${TZ} -c standard_conforming_strings=on -c enable_sort=off -c jit=off`;

async function prepareData(sql: postgres.Sql) {
  const pw = await hashPassword("bench-password");
  const hash = createHash("sha256").update(TOKEN).digest("base64url");
  const acct = (expr: string) => `(${DATA.accountId(0)}::bigint + ${expr})::text`;
  await sql.begin(async (tx) => {
    await tx`INSERT INTO accounts (id, name, time_zone, currency, created_at)
             VALUES (${FIN}, 'Bench Enterprise (financial account)', ${TZ}, 'USD', now() - interval '900 days')
             ON CONFLICT DO NOTHING`;
    await tx`INSERT INTO users (id, email, name, password_hash, account_id, role)
             VALUES ('bench-admin', 'bench-admin@bench.example', 'Bench enterprise admin', ${pw}, ${FIN}, 'customer')
             ON CONFLICT DO NOTHING`;
    await tx`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (${hash}, 'bench-admin', now() + interval '30 days')
             ON CONFLICT (token_hash) DO UPDATE SET expires_at = excluded.expires_at`;
    await tx`INSERT INTO enterprises (id, name, master_account_id, owner_user_id, enabled_at)
             VALUES ('ent-bench', 'Bench Enterprise', ${FIN}, 'bench-admin', now() - interval '800 days')
             ON CONFLICT DO NOTHING`;
    await tx.unsafe(`INSERT INTO enterprise_members (enterprise_id, account_id, status, invited_at, joined_at)
      SELECT 'ent-bench', ${acct("i")}, 'active', now() - interval '800 days', now() - interval '799 days'
      FROM generate_series(1, ${DATA.accounts}) i ON CONFLICT DO NOTHING`);
    await tx.unsafe(`INSERT INTO financial_relationships (id, enterprise_id, financial_account_id, member_account_id, created_at)
      SELECT 'fr-bench-' || i, 'ent-bench', '${FIN}', ${acct("i")}, now() - interval '799 days'
      FROM generate_series(1, ${DATA.accounts}) i ON CONFLICT DO NOTHING`);
    await tx`INSERT INTO admin_permissions (user_id, financial_account_id, permission)
             VALUES ('bench-admin', ${FIN}, 'cards_and_coupons')
             ON CONFLICT (user_id, financial_account_id, permission) DO UPDATE SET revoked = false`;
  });
  await sql.unsafe("ANALYZE enterprise_members, financial_relationships, admin_permissions");
}

// ------------------------------------------------------------------ capture + profile

type Captured = { query: string; params: unknown[] };

async function captureAndProfile() {
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
  const user = await getSessionUser(db, TOKEN);
  if (!user) throw new Error("admin session not found");
  const ids = (await viewableAccounts(db, user)).map((a) => a.id);
  // What coupons.list runs for a cookie caller: one statement checks the session, reads the
  // accounts the user may see and returns the page as one JSON value.
  const scope = {
    kind: "session",
    sessionHash: sessionTokenHash(TOKEN) as string,
    requested: "all",
  } as const;
  const input = listInput.parse({});
  captured.splice(0);
  const page = await listCoupons(db, scope, input);
  recording = false;
  const list = captured.find((c) => /from "coupons"/i.test(c.query));
  if (!list) throw new Error("could not capture the list SQL");

  const steps: [string, number, () => unknown][] = [
    [
      `listCoupons "All" over ${ids.length} accounts by session (prepared; session, accounts and page in one statement)`,
      200,
      () => listCoupons(db, scope, input),
    ],
    [
      "  the same statement on postgres.js alone (sql.unsafe, unnamed)",
      200,
      () => sql.unsafe(list.query, list.params as never[]),
    ],
    [
      "getSessionUser (the separate lookup of the ordinary path; not on this one)",
      500,
      () => getSessionUser(db, TOKEN),
    ],
    ["listOutput.parse (zod .output() on 20 rows)", 2000, () => listOutput.parse(page)],
    ["JSON.stringify of the response body", 2000, () => JSON.stringify({ result: { data: page } })],
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
  const plan = await sql.unsafe<{ "QUERY PLAN": string }[]>(
    `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${list.query}`,
    list.params as never[],
  );
  const alternatives = await alternativesTimed(sql, list);
  await sql.end();
  return {
    alternatives,
    list,
    accounts: ids.length,
    rows: page.items.length,
    distinctAccounts: new Set(page.items.map((i) => i.accountId)).size,
    steps: out,
    plan: plan.map((p) => p["QUERY PLAN"]).join("\n"),
  };
}

/** Median wall time of `fn` over `n` calls, ms. */
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
 * The list statement's database time: as an unnamed statement (planned on every call) and as the
 * app's pool runs it (a named statement, planned once: plan_cache_mode force_generic_plan).
 */
async function alternativesTimed(sql: postgres.Sql, list: Captured) {
  const out: string[][] = [];
  out.push([
    "unnamed statement (parsed and planned on every call)",
    fmt(await medianMs(9, () => sql.unsafe(list.query, list.params as never[]))),
  ]);
  await sql.begin(async (tx) => {
    await tx.unsafe("SET LOCAL plan_cache_mode = force_generic_plan");
    const run = () => tx.unsafe(list.query, list.params as never[], { prepare: true });
    for (let i = 0; i < 3; i++) await run();
    out.push(["named statement, generic plan (as the app's pool runs it)", fmt(await medianMs(9, run))]);
  });
  for (const [name, ms] of out) log(`  list statement ${name}: ${ms} ms`);
  return out;
}

/**
 * pgbench script for the list statement. pgbench allows at most 256 parameters per command, so the
 * account IDs (a constant list for this admin) are inlined as literals; the rest stay parameters.
 */
function listScript(list: Captured, dir: string) {
  const defines: Record<string, string> = {};
  const query = list.query.replace(/\$(\d+)/g, (_m, d: string) => {
    const v = list.params[Number(d) - 1];
    if (typeof v === "string" && /^\d{16}$/.test(v)) return `'${v}'`;
    // The app binds the accounts as one text[] parameter: inline it as an array literal.
    if (Array.isArray(v) && v.every((x) => typeof x === "string" && /^\d{16}$/.test(x)))
      return `'{${v.join(",")}}'`;
    defines[`p${d}`] = String(v);
    return `:p${d}`;
  });
  const file = path.join(dir, "admin-list.pgbench.sql");
  writeFileSync(file, `${query.replace(/\s*\n\s*/g, " ")};\n`);
  return { file, defines };
}

// ------------------------------------------------------------------ export helpers

type Proc = { code: number; stdout: string; stderr: string; secs: number };

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, secs: (now() - t0) / 1000 }));
  });
}

async function withRss<T>(server: Server, fn: () => Promise<T>) {
  const before = serverRssMb(server);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, serverRssMb(server));
  }, 50);
  try {
    const result = await fn();
    peak = Math.max(peak, serverRssMb(server));
    return { result, before, peak, after: serverRssMb(server) };
  } finally {
    clearInterval(timer);
  }
}

async function curl(url: string) {
  const p = await run("curl", [
    "-sS",
    "-o",
    "/dev/null",
    "-H",
    `Cookie: ${COOKIE}`,
    "-w",
    "%{http_code} %{time_starttransfer} %{time_total} %{size_download}",
    url,
  ]);
  const [status, ttfb, total, bytes] = p.stdout.trim().split(" ").map(Number) as [
    number,
    number,
    number,
    number,
  ];
  if (status !== 200) throw new Error(`export answered ${status}: ${p.stderr}`);
  return { ttfb, total, bytes };
}

/** Time to the first byte and to the first data row (the first byte after the header line), in ms. */
function firstRow(
  url: string,
): Promise<{ firstByte: number; firstRow: number; total: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    let firstByte = 0;
    let first = 0;
    let bytes = 0;
    let headerEnd = -1;
    http
      .get(url, { headers: { cookie: COOKIE } }, (res) => {
        res.on("data", (chunk: Buffer) => {
          if (!firstByte) firstByte = now() - t0;
          if (headerEnd < 0) {
            const nl = chunk.indexOf(0x0a);
            if (nl >= 0) headerEnd = bytes + nl + 1;
          }
          bytes += chunk.length;
          if (!first && headerEnd >= 0 && bytes > headerEnd) first = now() - t0;
        });
        res.on("end", () => resolve({ firstByte, firstRow: first, total: now() - t0, bytes }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/**
 * The COPY statement the export route runs, from the app's own code: streamCouponList on this process,
 * its dedicated connection pointed at a pass-through TCP proxy that reads the statement text off the
 * wire (pg_stat_activity truncates it to track_activity_query_size, and with 1,001 account literals it
 * is ~30 KB). The bytes check below (app download vs psql running this statement) confirms it.
 */
async function captureExportSql(): Promise<string> {
  const target = new URL(BENCH_URL);
  let text = "";
  let seen = Buffer.alloc(0);
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    client.on("data", (d: Buffer) => {
      if (!text && seen.length < 1_000_000) {
        seen = Buffer.concat([seen, d]);
        const i = seen.indexOf("COPY (");
        const end = i >= 0 ? seen.indexOf(0, i) : -1;
        if (end >= 0) text = seen.subarray(i, end).toString("utf8");
      }
      upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => client.write(d));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const port = (proxy.address() as net.AddressInfo).port;
  const handle = await openDatabase({ url: BENCH_URL, poolMax: 1 });
  try {
    const user = await getSessionUser(handle.db, TOKEN);
    if (!user) throw new Error("admin session not found");
    const parsed = parseListParams(new URL(`http://x${EXPORT_PATH}`).searchParams);
    if (!parsed.ok) throw new Error(parsed.error);
    const scope = await resolveAccountScope(handle.db, user, parsed.value.accountId);
    if (!scope || scope === "operator-all") throw new Error("unexpected export scope");
    const proxied = {
      ...handle,
      url: `postgres://${target.username || "postgres"}@127.0.0.1:${port}${target.pathname}`,
    };
    const reader = streamCouponList(proxied, scope, parsed.value, user.timeZone).getReader();
    for (let i = 0; i < 50 && !text; i++) {
      const r = await reader.read();
      if (r.done) break;
    }
    await reader.cancel();
  } finally {
    await handle.close();
    proxy.close();
  }
  if (!text) throw new Error("could not capture the export's COPY statement");
  return text;
}

async function exportPart(server: Server, dir: string) {
  const pg = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  const url = `${server.url}${EXPORT_PATH}`;
  try {
    // Warm the route with a small export of one account, then read the idle RSS.
    for (let i = 0; i < 3; i++) await curl(`${server.url}/api/coupons/export?account=${DATA.accountId(1)}`);
    await sleep(1000);
    const idleRss = serverRssMb(server);

    // Warm-up full export: capture the COPY statement the app runs, and compare its bytes with psql's.
    const appHash = run("sh", ["-c", `curl -sS -H "Cookie: ${COOKIE}" "${url}" | tail -n +2 | sha256sum`]);
    const appSum = (await appHash).stdout.split(" ")[0];
    const copySql = await captureExportSql();
    const copyFile = path.join(dir, "admin-export.copy.sql");
    writeFileSync(copyFile, `${copySql};\n`);
    const psqlArgs = ["-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", BENCH_DB];
    const rawHash = await run("sh", ["-c", `psql ${psqlArgs.join(" ")} -f ${copyFile} | sha256sum`], {
      PGOPTIONS,
    });
    const rawSum = rawHash.stdout.split(" ")[0];
    const [cnt] = await pg.unsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM (${copySql.replace(/^COPY \(/i, "").replace(/\) TO STDOUT.*$/is, "")}) s`,
    );
    const check =
      appSum === rawSum
        ? `identical (sha256 ${appSum?.slice(0, 12)}… after the BOM/header line)`
        : `**DIFFERENT** (app ${appSum?.slice(0, 12)} vs raw ${rawSum?.slice(0, 12)})`;
    log(`export bytes check: ${check}; rows ${cnt?.n}`);
    const plan = await pg.begin(async (tx) => {
      await tx.unsafe(`SET LOCAL TimeZone = '${TZ}'; SET LOCAL enable_sort = off; SET LOCAL jit = off`);
      const inner = copySql.replace(/^COPY \(/i, "").replace(/\) TO STDOUT.*$/is, "");
      const p = await tx.unsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${inner}`);
      return p.map((r) => r["QUERY PLAN"]).join("\n");
    });

    const rows: string[][] = [];
    const raws: number[] = [];
    const apps: { total: number; ttfb: number; growth: number }[] = [];
    for (let rep = 1; rep <= REPS; rep++) {
      const rp = cpuProbe(null);
      const r = await run("psql", [...psqlArgs, "-o", "/dev/null", "-f", copyFile], { PGOPTIONS });
      if (r.code !== 0) throw new Error(r.stderr);
      const rc = rp();
      raws.push(r.secs);
      rows.push([
        "raw: psql COPY … TO STDOUT → /dev/null",
        String(rep),
        fmt(r.secs),
        "–",
        "–",
        `– / ${fmt(rc.pgS)} / ${fmt(rc.otherCores, 2)}`,
      ]);
      log(`export raw rep ${rep}: ${fmt(r.secs)} s`);
      await sleep(300);
      const ap = cpuProbe(server);
      const a = await withRss(server, () => curl(url));
      const ac = ap();
      apps.push({ total: a.result.total, ttfb: a.result.ttfb * 1000, growth: a.peak - a.before });
      rows.push([
        `app: GET ${EXPORT_PATH} (curl → /dev/null, ${fmt(a.result.bytes / 1e6)} MB)`,
        String(rep),
        fmt(a.result.total),
        fmt(a.result.ttfb * 1000),
        `${fmt(a.before)} → ${fmt(a.peak)} (+${fmt(a.peak - a.before)})`,
        `${fmt(ac.serverS)} / ${fmt(ac.pgS)} / ${fmt(ac.otherCores, 2)}`,
      ]);
      log(
        `export app rep ${rep}: ${fmt(a.result.total)} s, TTFB ${fmt(a.result.ttfb * 1000)} ms, RSS ${fmt(a.before)} → ${fmt(a.peak)} MB`,
      );
      await sleep(300);
    }
    const fr = await firstRow(url);
    log(
      `first byte ${fmt(fr.firstByte)} ms, first data row ${fmt(fr.firstRow)} ms, total ${fmt(fr.total)} ms`,
    );
    return { copySql, idleRss, check, rows, raws, apps, fr, count: cnt?.n ?? 0, plan };
  } finally {
    await pg.end();
  }
}

// ------------------------------------------------------------------ main

/** Long lists of account IDs (literals, arrays) shortened for the document. */
const shortIds = (text: string) =>
  text
    .replace(
      /'(\d{16})'(?:,\s*'\d{16}'){3,}/g,
      (m, first: string) => `'${first}', … (${m.split(",").length} accounts)`,
    )
    .replace(
      /'\{(\d{16})(?:,\d{16}){3,}\}'/g,
      (m, first: string) => `'{${first},… (${m.split(",").length} accounts)}'`,
    );

async function main() {
  await dataSet();
  const dir = ensureOut();
  const sql = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  const [facts] = await sql<{ v: string; sb: string; n: number }[]>`
    SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb,
           (SELECT count(*)::int FROM coupons WHERE id ~ '^CP-[0-9]{8}$') AS n`;
  // The enterprise spans every bench account: a set whose vouchers are not the size it records is refused.
  if (!facts || facts.n !== DATA.vouchers)
    throw new Error(
      `${BENCH_DB} has ${facts?.n ?? 0} bench vouchers, its bench:data record says ${DATA.vouchers}: refusing (run npm run bench:data)`,
    );
  await prepareData(sql);
  await sql.end();

  log("capture + in-process profile …");
  const cap = await captureAndProfile();
  log(`scope ${cap.accounts} accounts; page ${cap.rows} rows from ${cap.distinctAccounts} accounts`);
  const script = listScript(cap.list, dir);
  if (process.env.BENCH_PROFILE_ONLY) return;

  const build = ensureBuild();
  const server = await startServer({ DATABASE_URL: BENCH_URL, SEED_DEMO: "false", PGLITE_DIR: undefined });
  const runs: Measured[] = [];
  let sanity = "";
  let exp: Awaited<ReturnType<typeof exportPart>> | null = null;
  try {
    const listPath = `/api/trpc/coupons.list?input=${encodeURIComponent(JSON.stringify(INPUT))}`;
    const listReq = (): HttpReq => ({ path: listPath, headers: { cookie: COOKIE } });
    const pingReq = (): HttpReq => ({ path: "/api/trpc/health.ping" });
    const r = await fetch(`${server.url}${listPath}`, { headers: { cookie: COOKIE } });
    const body = (await r.json()) as { result?: { data?: { items?: { accountId: string }[] } } };
    const items = body.result?.data?.items ?? [];
    if (r.status !== 200 || items.length !== 20)
      throw new Error(
        `coupons.list answered ${r.status} with ${items.length} items: ${JSON.stringify(body).slice(0, 300)}`,
      );
    sanity = `coupons.list ${r.status}, ${items.length} rows from ${new Set(items.map((i) => i.accountId)).size} accounts`;
    log(`sanity: ${sanity}`);

    const go = async (label: string, c: number, keep: boolean, fn: () => unknown) => {
      const m = await measured(label, c, server, fn as never);
      if (keep) {
        runs.push(m);
        const s = stats(m);
        log(
          `${label.padEnd(30)} c=${String(c).padEnd(2)} ${fmt(rps(m))} req/s, p50 ${fmt(s.p50)} p95 ${fmt(s.p95)} p99 ${fmt(s.p99)} ms, errors: ${errorText(m.errors)}`,
        );
      }
      await sleep(500);
    };
    const L = {
      raw: "raw list statement (pgbench)",
      ping: "health.ping over HTTP",
      list: 'coupons.list "All" over HTTP',
    };
    const levels = process.env.BENCH_EXPORT_ONLY ? [] : LEVELS;
    if (levels.length) log(`warm-up ${WARMUP} s per target …`);
    if (levels.length) {
      await go(L.raw, 10, false, () => runPgbench(script.file, script.defines, 10, WARMUP, dir));
      await go(L.ping, 10, false, () => runHttp(server.url, pingReq, 10, WARMUP));
      await go(L.list, 10, false, () => runHttp(server.url, listReq, 10, WARMUP));
    }
    for (const c of levels) {
      await go(L.raw, c, true, () => runPgbench(script.file, script.defines, c, SECONDS, dir));
      await go(L.ping, c, true, () => runHttp(server.url, pingReq, c, SECONDS));
      await go(L.list, c, true, () => runHttp(server.url, listReq, c, SECONDS));
    }
    if (!process.env.BENCH_SKIP_EXPORT) exp = await exportPart(server, dir);
  } finally {
    await server.stop();
    log(`server stopped (log: ${path.relative(process.cwd(), server.logFile)})`);
  }

  // ---------------------------------------------------------------- targets
  const L = {
    raw: "raw list statement (pgbench)",
    ping: "health.ping over HTTP",
    list: 'coupons.list "All" over HTTP',
  };
  const get = (label: string, c: number) => runs.find((r) => r.label === label && r.c === c);
  const pf = (ok: boolean) => (ok ? "pass" : "FAIL");
  const lines: string[] = [];
  const l1 = get(L.list, 1);
  const r1 = get(L.raw, 1);
  if (l1 && r1) {
    const a = stats(l1).p95;
    const b = stats(r1).p95;
    lines.push(
      `* **List "All", c=1:** coupons.list p95 **${fmt(a)} ms** (p50 ${fmt(stats(l1).p50)}, p99 ${fmt(stats(l1).p99)}) vs raw p95 **${fmt(b)} ms**: app − raw = ${fmt(a - b)} ms (target ≤ +${TARGETS.p95AddMs} ms) → **${pf(a <= b + TARGETS.p95AddMs)}**.`,
    );
  }
  for (const c of SAT) {
    const l = get(L.list, c);
    const g = get(L.ping, c);
    const r = get(L.raw, c);
    if (l && g) {
      const ratio = rps(l) / rps(g);
      lines.push(
        `* **List "All", c=${c} (saturation):** ${fmt(rps(l))} req/s vs ping ${fmt(rps(g))} req/s = **${fmt(ratio)}** (target ≥ ${TARGETS.listPingRatio}) → **${pf(ratio >= TARGETS.listPingRatio)}**; list/raw = ${r ? fmt(rps(l) / rps(r)) : "–"}; server CPU ${fmt((l.serverS * 1000) / l.n)} ms/req vs ping ${fmt((g.serverS * 1000) / g.n)}, so the CPU-based list/ping estimate is ${fmt(g.serverS / g.n / (l.serverS / l.n))}.`,
      );
    }
  }
  let exportText = "Export not run (BENCH_SKIP_EXPORT).";
  if (exp) {
    const raw = mean(exp.raws);
    const app = mean(exp.apps.map((a) => a.total));
    const ratio = app / raw;
    const ttfb = Math.max(...exp.apps.map((a) => a.ttfb));
    const growth = Math.max(...exp.apps.map((a) => a.growth));
    lines.push(
      `* **Export, ${exp.count.toLocaleString("en-US")} rows:** app ${fmt(app)} s vs psql COPY ${fmt(raw)} s (means of ${REPS}) = **${fmt(ratio)}×** (target ≤ ${TARGETS.exportRatio}×) → **${pf(ratio <= TARGETS.exportRatio)}**; first byte worst **${fmt(ttfb)} ms** (target ≤ ${TARGETS.ttfbMs} ms) → **${pf(ttfb <= TARGETS.ttfbMs)}** (the first data row after the header came at ${fmt(exp.fr.firstRow)} ms); RSS growth worst **+${fmt(growth)} MB** (target ≤ ${TARGETS.rssMb} MB) → **${pf(growth <= TARGETS.rssMb)}**.`,
    );
    exportText = `Idle server RSS before the export runs: ${fmt(exp.idleRss)} MB. Bytes: app vs psql ${exp.check}.

${table(
  [
    "export",
    "rep",
    "seconds",
    "first byte ms",
    "server RSS before → peak MB",
    "CPU s: server / PG / other cores",
  ],
  exp.rows,
  ["l", "r", "r", "r", "l", "l"],
)}

Timing of one more app download with a Node client: first byte ${fmt(exp.fr.firstByte)} ms, first data row ${fmt(exp.fr.firstRow)} ms, total ${fmt(exp.fr.total / 1000)} s.

The COPY the app runs (read off the wire of its export connection through a pass-through proxy; the account literals are shortened here):

\`\`\`sql
${shortIds(exp.copySql)}
\`\`\`

Its plan under the export connection's settings (EXPLAIN):

\`\`\`
${shortIds(exp.plan)}
\`\`\``;
  }

  const mainRows = runs.map((m) => row(m, m.label.startsWith("raw")));
  writeSection(
    "admin",
    `## Enterprise admin, ${DATA.label.toUpperCase()} vouchers: "All" accounts list and cross-voucher export (\`npm run bench:admin -- --data ${DATA.label}\`)

${table(["machine", ""], machineFacts(`${facts.v} (shared_buffers ${facts.sb})`))}

**Method.** Data from \`bench:data\` plus additive rows (idempotent, \`bench/admin.ts\`): financial account
**${FIN}** (${TZ}) with user \`bench-admin\` and a live session (cookie \`${COOKIE}\`), enterprise \`ent-bench\` owned by
that user, the **1,000 bench accounts as active members, each managed by ${FIN}** (live financial relationship),
and the **Cards and Coupons** permission for \`bench-admin\` on ${FIN}. "All" therefore resolves to ${cap.accounts} accounts
(the financial account and its 1,000 members) over the 1,000,000 vouchers of \`bench:data\` (plus any \`bench:pay\` vouchers
in those accounts). One Node entry process (\`npm start\`'s \`dist/server.mjs\`, \`WEB_CONCURRENCY=1\`, decision 017; ${build}), \`DATABASE_URL\` → ${BENCH_DB}, pool of 10.
* **raw**: the exact statement \`coupons.list\` sends for "All" to a cookie caller (captured from \`listCoupons\` through
  postgres.js's \`debug\` hook): it checks the session, reads the ${cap.accounts} accounts the user may see and returns the page
  as one JSON value; run by \`pgbench -M prepared -j 1\` with the app's connection settings
  (\`PGOPTIONS="${APP_PG_ENV.PGOPTIONS}"\`), so both sides use the same plan.
* **ping**: \`GET /api/trpc/health.ping\`.
* **list**: \`GET /api/trpc/coupons.list?input=${JSON.stringify(INPUT)}\` (the tab's defaults: all types, sort issued desc,
  20 rows) with the admin's cookie: that one statement, zod (input and output), JSON.
* autocannon 9 in this process, every response timed; warm-up ${WARMUP} s per target at c=10, then at each c raw, ping,
  list for ${SECONDS} s each; one repetition. "other CPU" as in the other sections (above ≈0.1 core: disturbed).
* **export**: \`GET ${EXPORT_PATH}\` (curl → /dev/null) vs \`psql -f <the same COPY>\` → /dev/null with
  \`PGOPTIONS="${PGOPTIONS}"\` (the export connection's start-up settings); ${REPS} interleaved repetitions after a
  warm-up download whose bytes are compared with psql's. RSS of the server tree sampled every 50 ms.

Sanity: ${sanity}.

${table(MAIN_HEADER, mainRows, MAIN_ALIGN)}

**Against the targets**

${lines.join("\n")}

**Where a list request's time goes** (in-process, this script's Node process, 1-connection pool, no HTTP):

${table(["step", "wall ms/call", "Node CPU ms/call"], cap.steps, ["l", "r", "r"])}

Database time of the list statement (median of 9, wall ms, this script's connection):

${table(["variant", "ms"], cap.alternatives, ["l", "r"])}

Plan of the list statement (EXPLAIN ANALYZE):

\`\`\`
${shortIds(cap.plan)}
\`\`\`

**Export**

${exportText}

**Findings and suggestions** (not applied: the app code is not this script's to change)

1. **"All" reads the page in index order** (plan above; ${cap.alternatives[1]?.[1] ?? "–"} ms at the database as the app runs it,
   ${cap.alternatives[0]?.[1] ?? "–"} ms when planned on every call). What is left per request is Node's: Next and tRPC (ping's
   share), the statement's round trip through postgres.js, zod and JSON (in-process table above).
2. **"All" is one statement and one round trip, the session included.** The statement reads the session's user and
   the accounts they may see itself (\`(account_id IN (SELECT … admin_permissions … financial_relationships …)) IS TRUE\`,
   a hashed sub-plan), binding only the session's hash: one prepared statement whatever the number of accounts, no
   session query, no scope query, no id list sent (decision 009).
${
  exp && /Sort/.test(exp.plan)
    ? `3. **Export:** the app runs the same COPY as psql and passes it through, so its time is PostgreSQL's (sort of ≈1 M rows,
   then formatting); the first data row waits for the sort (${exp ? fmt(exp.fr.firstRow) : "–"} ms above). With the global index of 1 it can
   stream in index order from the first row, like the per-voucher export does.`
    : `3. **Export:** the app runs the same COPY as psql and passes it through, so its time is PostgreSQL's; the plan reads in
   index order (no sort), so the first data row follows the first byte closely (${exp ? fmt(exp.fr.firstRow) : "–"} ms above).`
}
`,
  );
  log(lines.join("\n"));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
