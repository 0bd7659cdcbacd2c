/**
 * bench:list — one run, side by side, against the real PostgreSQL (database from bench:data):
 *   raw   the exact SQL coupons.list issues (captured from listCoupons through postgres.js's debug
 *         hook), run by pgbench -M prepared for random accounts;
 *   ping  the no-op tRPC procedure health.ping over HTTP;
 *   list  coupons.list over HTTP (50 rows, cash, balance desc) with the session cookie of a random account.
 * At c=1 (latency) and c=10 / c=50 (saturation), warm-up first, runs interleaved. Starts and stops
 * its own `next start` (production build). Writes the "list" section of docs/BENCHMARKS.md.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { and, sql as dsql, eq, gt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "@/db/client";
import { openDatabase } from "@/db/client";
import * as schema from "@/db/schema";
import { getSessionUser } from "@/server/auth/session";
import { listCoupons } from "@/server/vouchers/queries";
import { listInput, listOutput } from "@/server/vouchers/schema";
import {
  APP_PG_ENV,
  BENCH_DB,
  BENCH_URL,
  DATA,
  type Door,
  doorLabel,
  ADAPTER,
  ENTRY,
  ensureBuild,
  ensureOut,
  fmt,
  interleavedRounds,
  log,
  machineCpuMs,
  machineFacts,
  NEXT_START,
  now,
  percentile,
  PORT,
  postgresCpuMs,
  procCpuMs,
  ROUNDS,
  roundsTable,
  type Server,
  serverCpuMs,
  sleep,
  sortNumbers,
  startServer,
  table,
  writeSection,
  dataSet,
} from "./lib";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const LEVELS = (process.env.BENCH_LEVELS ?? "1,10,50").split(",").map(Number);
const INPUT = { type: "cash", sort: "balance", dir: "desc", limit: 50 } as const;
// Issue 13: c=1 p95 ≤ raw + 1 ms; at saturation list ≥ 2.5× next start's and ≥ 0.25 of raw.
const TARGETS = { p95AddMs: 1, listPingRatio: 0.6, listVsNext: 2.5, listRaw: 0.25 };

type Target =
  | "raw"
  | "ping"
  | "list"
  | "ping@next"
  | "list@next"
  | "ping@adapter"
  | "list@adapter"
  | "ping@2w"
  | "list@2w";
type Run = {
  target: Target;
  c: number;
  rep: number;
  seconds: number;
  n: number;
  bad: number;
  lat: number[];
  serverMs: number;
  pgMs: number;
  loadMs: number;
  busy: number;
  other: number;
};

const LABEL: Record<Target, string> = {
  raw: "raw SQL (pgbench -M prepared)",
  ping: "health.ping over HTTP",
  list: "coupons.list over HTTP (50 rows)",
  "ping@next": "health.ping, next start (Next route, before)",
  "list@next": "coupons.list, next start (Next route, before)",
  "ping@adapter": "health.ping, Node entry with tRPC's adapter (decision 017, before 019)",
  "list@adapter": "coupons.list, Node entry with tRPC's adapter (decision 017, before 019)",
  "ping@2w": "health.ping, Node entry, 2 workers",
  "list@2w": "coupons.list, Node entry, 2 workers",
};
/** Other doors, measured at the first saturation level only: before/after and one worker per core. */
const DOORS: { tag: "next" | "adapter" | "2w"; door: Door }[] = [
  { tag: "next", door: NEXT_START },
  { tag: "adapter", door: ADAPTER },
  { tag: "2w", door: { kind: "entry", workers: 2 } },
];

// ------------------------------------------------------------------ the SQL listCoupons issues

type Captured = { query: string; params: unknown[] };

/** Runs the real listCoupons once on a client whose debug hook records every statement. */
async function captureListSql(): Promise<{ list: Captured; session: Captured; rows: number }> {
  const captured: Captured[] = [];
  const sql = postgres(BENCH_URL, {
    max: 1,
    onnotice: () => {},
    connection: { TimeZone: "UTC" },
    debug: (_conn: number, query: string, params: unknown[]) => {
      captured.push({ query, params: [...params] });
    },
  });
  // Same drizzle setup as openDatabase in db/client.ts.
  const db = drizzle(sql, { schema, casing: "snake_case" }) as unknown as Db;
  const accountId = DATA.accountId(1);
  await getSessionUser(db, DATA.token(accountId));
  const result = await listCoupons(db, { kind: "account", accountId }, listInput.parse(INPUT));
  await sql.end();
  const session = captured.find((c) => /from "sessions"/i.test(c.query));
  const list = captured.find((c) => /from "coupons"/i.test(c.query));
  if (!list || !session) throw new Error("could not capture the list / session SQL");
  return { list, session, rows: result.items.length };
}

/** pgbench script: the captured statement, $n → pgbench variables (account random per transaction). */
function pgbenchScript(list: Captured, dir: string): { file: string; defines: string[] } {
  const accountParam = list.params.indexOf(DATA.accountId(1));
  if (accountParam < 0) throw new Error("account parameter not found in the captured SQL");
  const defines: string[] = [];
  const query = list.query.replace(/\$(\d+)/g, (_m, d: string) => {
    const i = Number(d) - 1;
    if (i === accountParam) return ":acct";
    defines.push("-D", `p${d}=${String(list.params[i])}`);
    return `:p${d}`;
  });
  const file = path.join(dir, "list.pgbench.sql");
  writeFileSync(
    file,
    `\\set aid random(1, ${DATA.accounts})\n\\set acct ${DATA.accountId(0)} + :aid\n${query};\n`,
  );
  return { file, defines };
}

// ------------------------------------------------------------------ runners

function cpuBefore(server: Server | null) {
  return {
    server: server ? serverCpuMs(server) : 0,
    pg: postgresCpuMs(),
    self: procCpuMs(process.pid, true),
    machine: machineCpuMs(),
  };
}

function cpuDelta(b: ReturnType<typeof cpuBefore>, server: Server | null) {
  const a = cpuBefore(server);
  return {
    serverMs: a.server - b.server,
    pgMs: a.pg - b.pg,
    loadMs: a.self - b.self,
    busy: (a.machine.busy - b.machine.busy) / (a.machine.total - b.machine.total),
    // CPU used by anything else on the machine (other people's builds, tests, servers), in cores.
    other:
      (a.machine.busy - b.machine.busy - (a.server - b.server) - (a.pg - b.pg) - (a.self - b.self)) /
      ((a.machine.total - b.machine.total) / os.cpus().length),
  };
}

function runPgbench(
  script: { file: string; defines: string[] },
  c: number,
  seconds: number,
  dir: string,
): { n: number; lat: number[]; secs: number } {
  const logDir = path.join(dir, "pgbench-log");
  rmSync(logDir, { recursive: true, force: true });
  execFileSync("mkdir", ["-p", logDir]);
  const args = [
    "-n",
    "-M",
    "prepared",
    "-j",
    "1",
    "-c",
    String(c),
    "-T",
    String(seconds),
    "-f",
    script.file,
    ...script.defines,
  ];
  args.push("-l", `--log-prefix=${path.join(logDir, "tx")}`, "-h", "127.0.0.1", "-U", "postgres", BENCH_DB);
  const t0 = now();
  const out = execFileSync("pgbench", args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...APP_PG_ENV },
  });
  const secs = (now() - t0) / 1000;
  if (
    !/number of failed transactions: 0 /.test(out) &&
    /failed/.test(out) &&
    !/failed transactions: 0/.test(out)
  ) {
    throw new Error(`pgbench reported failures:\n${out}`);
  }
  const lat: number[] = [];
  for (const f of readdirSync(logDir)) {
    for (const line of readFileSync(path.join(logDir, f), "utf8").split("\n")) {
      const parts = line.split(" ");
      if (parts.length >= 3) lat.push(Number(parts[2]) / 1000);
    }
  }
  // pgbench's own duration is -T; count transactions from its log.
  return { n: lat.length, lat, secs: Math.min(secs, seconds) };
}

type HttpReq = { path: string; headers: Record<string, string> };

async function runHttp(url: string, reqs: HttpReq[], c: number, seconds: number) {
  const lat: number[] = [];
  let bad = 0;
  const inst = autocannon({
    url,
    connections: c,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        setupRequest: (req) => {
          const r = reqs[Math.floor(Math.random() * reqs.length)] as HttpReq;
          return { ...req, method: "GET", path: r.path, headers: { ...req.headers, ...r.headers } };
        },
      },
    ],
  });
  inst.on("response", (_client: unknown, status: number, _bytes: number, rt: number) => {
    lat.push(rt);
    if (status !== 200) bad++;
  });
  const t0 = now();
  const result = await inst;
  const secs = (now() - t0) / 1000;
  return { n: lat.length, lat, bad: bad + result.errors + result.timeouts, secs };
}

// ------------------------------------------------------------------ in-process breakdown

/** Where a list request's time goes, without HTTP: each step alone, c=1, wall and CPU per call. */
async function breakdown(captured: { list: Captured; session: Captured }): Promise<string[][]> {
  const handle = await openDatabase({ url: BENCH_URL, poolMax: 1 });
  const db = handle.db;
  const input = listInput.parse(INPUT);
  const accounts = Array.from({ length: DATA.accounts }, (_, i) => DATA.accountId(i + 1));
  const pick = () => accounts[Math.floor(Math.random() * accounts.length)] as string;
  const sample = await listCoupons(db, { kind: "account", accountId: pick() }, input);
  // Same select as getSessionUser (server/auth/session.ts), but built once as a named prepared statement.
  const preparedSession = db
    .select({
      userId: schema.users.id,
      email: schema.users.email,
      name: schema.users.name,
      role: schema.users.role,
      accountId: schema.users.accountId,
      accountName: schema.accounts.name,
      timeZone: schema.accounts.timeZone,
      currency: schema.accounts.currency,
    })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .innerJoin(schema.accounts, eq(schema.accounts.id, schema.users.accountId))
    .where(
      and(eq(schema.sessions.tokenHash, dsql.placeholder("h")), gt(schema.sessions.expiresAt, dsql`now()`)),
    )
    .prepare("bench_session_user");
  const steps: [string, () => unknown][] = [
    ["getSessionUser (1 query: sessions ⋈ users ⋈ accounts)", () => getSessionUser(db, DATA.token(pick()))],
    [
      "listCoupons (1 keyset query, 51 rows, row mapping)",
      () => listCoupons(db, { kind: "account", accountId: pick() }, input),
    ],
    [
      "  the same list statement on postgres.js alone (sql.unsafe, no drizzle)",
      () => {
        const params = [...captured.list.params];
        params[captured.list.params.indexOf(DATA.accountId(1))] = pick();
        return handle.sql?.unsafe(captured.list.query, params as never[]);
      },
    ],
    [
      "  the same session statement on postgres.js alone",
      () => handle.sql?.unsafe(captured.session.query, captured.session.params as never[]),
    ],
    [
      "  suggestion: the session select as a drizzle prepared statement (built once, .execute())",
      () => preparedSession.execute({ h: captured.session.params[0] }),
    ],
    ["listInput.parse (zod input)", () => listInput.parse(INPUT)],
    ["listOutput.parse (zod .output() on 50 rows)", () => listOutput.parse(sample)],
    ["JSON.stringify of the response body", () => JSON.stringify({ result: { data: sample } })],
  ];
  const out: string[][] = [];
  for (const [name, fn] of steps) {
    const iters = /query|statement/.test(name) ? 1500 : 5000;
    for (let i = 0; i < 200; i++) await fn();
    const cpu0 = process.cpuUsage();
    const t0 = now();
    for (let i = 0; i < iters; i++) await fn();
    const wall = (now() - t0) / iters;
    const cpu = process.cpuUsage(cpu0);
    out.push([name, fmt(wall), fmt((cpu.user + cpu.system) / 1000 / iters)]);
  }
  out.push([
    "(response size: bytes of the JSON body)",
    String(Buffer.byteLength(JSON.stringify({ result: { data: sample } }))),
    "",
  ]);
  await handle.close();
  return out;
}

// ------------------------------------------------------------------ main

async function main() {
  await dataSet();
  const dir = ensureOut();
  const pg = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  const [facts] = await pg<{ v: string; sb: string; n: number }[]>`
    SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb,
           (SELECT count(*)::int FROM coupons) AS n`;
  await pg.end();
  if (!facts || facts.n < DATA.vouchers)
    throw new Error(`run npm run bench:data first (${BENCH_DB} has ${facts?.n ?? 0} vouchers)`);

  const captured = await captureListSql();
  log(`captured list SQL (${captured.rows} rows for account 1): ${captured.list.query.slice(0, 120)}…`);
  const script = pgbenchScript(captured.list, dir);

  log("in-process breakdown …");
  const steps = await breakdown(captured);
  for (const [name, wall, cpu] of steps) log(`  ${name}: wall ${wall} ms, CPU ${cpu} ms`);
  if (process.env.BENCH_BREAKDOWN_ONLY) return;

  const build = ensureBuild();
  const serverEnv = { DATABASE_URL: BENCH_URL, SEED_DEMO: "false", PGLITE_DIR: undefined };
  let server = await startServer(serverEnv);
  const runs: Run[] = [];
  let doorRounds: Record<"entry" | "next" | "raw", number>[] = [];
  try {
    const listPath = `/api/trpc/coupons.list?input=${encodeURIComponent(JSON.stringify(INPUT))}`;
    const listReqs: HttpReq[] = Array.from({ length: DATA.accounts }, (_, i) => ({
      path: listPath,
      headers: { cookie: `vc_session=${DATA.token(DATA.accountId(i + 1))}` },
    }));
    const pingReqs: HttpReq[] = [{ path: "/api/trpc/health.ping", headers: {} }];

    // Sanity: the app answers what we think it answers.
    const ping = await (await fetch(`${server.url}/api/trpc/health.ping`)).json();
    const r = await fetch(`${server.url}${listPath}`, { headers: listReqs[0]?.headers });
    const body = (await r.json()) as { result?: { data?: { items?: unknown[] } } };
    const items = body.result?.data?.items?.length;
    if (r.status !== 200 || items !== 50)
      throw new Error(
        `coupons.list answered ${r.status} with ${items} items: ${JSON.stringify(body).slice(0, 300)}`,
      );
    log(`sanity ok: ping ${JSON.stringify(ping)}, list 200 with ${items} items`);

    const one = async (target: Target, c: number, seconds: number, rep: number) => {
      const b = cpuBefore(server);
      let res: { n: number; lat: number[]; bad: number; secs: number };
      if (target === "raw") res = { ...runPgbench(script, c, seconds, dir), bad: 0 };
      else res = await runHttp(server.url, target.startsWith("ping") ? pingReqs : listReqs, c, seconds);
      const d = cpuDelta(b, server);
      if (rep > 0) {
        runs.push({ target, c, rep, seconds: res.secs, n: res.n, bad: res.bad, lat: res.lat, ...d });
        const s = sortNumbers(res.lat);
        log(
          `${target.padEnd(4)} c=${String(c).padEnd(2)} rep ${rep}: ${fmt(res.n / res.secs)} req/s, p50 ${fmt(percentile(s, 50))} p95 ${fmt(percentile(s, 95))} p99 ${fmt(percentile(s, 99))} ms, non-200/errors ${res.bad}`,
        );
      }
      await sleep(500);
    };

    log(`warm-up ${WARMUP} s per target …`);
    for (const t of ["raw", "ping", "list"] as Target[]) await one(t, 10, WARMUP, 0);
    for (const c of LEVELS) {
      for (const t of ["raw", "ping", "list"] as Target[])
        await one(t, c, Math.max(1, Math.round(WARMUP / 2)), 0);
      for (const rep of [1, 2])
        for (const t of ["raw", "ping", "list"] as Target[]) await one(t, c, SECONDS, rep);
    }
    await server.stop();
    const sat = LEVELS.find((c) => c > 1);
    for (const { tag, door } of sat ? DOORS : []) {
      log(`${doorLabel(door)}: ping and list at c=${sat} …`);
      server = await startServer(serverEnv, undefined, door);
      const t = [`ping@${tag}`, `list@${tag}`] as Target[];
      for (const x of t) await one(x, sat as number, WARMUP, 0);
      for (const rep of [1, 2]) for (const x of t) await one(x, sat as number, SECONDS, rep);
      await server.stop();
    }
    if (sat && ROUNDS > 0) {
      // The entry and next start up at once, their list and the raw list measured in turn (issue 13).
      log(`interleaved rounds at c=${sat}: the entry, next start and raw, ${ROUNDS} rounds …`);
      const entry = await startServer(serverEnv, PORT + 1, ENTRY);
      const next = await startServer(serverEnv, PORT + 2, NEXT_START);
      try {
        const rate = async (t: "entry" | "next" | "raw", secs: number) => {
          if (t === "raw") {
            const r = runPgbench(script, sat, secs, dir);
            return r.n / r.secs;
          }
          const r = await runHttp((t === "entry" ? entry : next).url, listReqs, sat, secs);
          if (r.bad > 0) throw new Error(`${t}: ${r.bad} non-200 answers in an interleaved round`);
          return r.n / r.secs;
        };
        for (const t of ["entry", "next", "raw"] as const) await rate(t, WARMUP);
        doorRounds = await interleavedRounds(["entry", "next", "raw"] as const, ROUNDS, (t) =>
          rate(t, SECONDS),
        );
      } finally {
        await entry.stop();
        await next.stop();
      }
    }
  } finally {
    await server.stop();
    log(`server stopped (log: ${path.relative(process.cwd(), server.logFile)})`);
  }
  const rounds = roundsTable(
    doorRounds,
    [
      { target: "entry", label: "entry list req/s" },
      { target: "next", label: "next start list req/s" },
      { target: "raw", label: "raw list q/s" },
    ],
    [
      { label: "entry / next start", of: "entry", to: "next", min: TARGETS.listVsNext },
      { label: "entry / raw", of: "entry", to: "raw", min: TARGETS.listRaw },
      { label: "next start / raw", of: "next", to: "raw" },
    ],
  );

  // ---------------------------------------------------------------- aggregate
  type Agg = {
    rps: number;
    p50: number;
    p95: number;
    p99: number;
    n: number;
    bad: number;
    serverMs: number;
    pgMs: number;
    busy: number;
    other: number;
    littleMs: number;
  };
  const agg = (t: Target, c: number): Agg => {
    const rs = runs.filter((x) => x.target === t && x.c === c);
    const lat = sortNumbers(rs.flatMap((x) => x.lat));
    const n = rs.reduce((a, x) => a + x.n, 0);
    const secs = rs.reduce((a, x) => a + x.seconds, 0);
    const rps = n / secs;
    return {
      rps,
      p50: percentile(lat, 50),
      p95: percentile(lat, 95),
      p99: percentile(lat, 99),
      n,
      bad: rs.reduce((a, x) => a + x.bad, 0),
      serverMs: rs.reduce((a, x) => a + x.serverMs, 0) / n,
      pgMs: rs.reduce((a, x) => a + x.pgMs, 0) / n,
      busy: rs.reduce((a, x) => a + x.busy, 0) / rs.length,
      other: Math.max(...rs.map((x) => x.other)),
      littleMs: (c / rps) * 1000,
    };
  };
  const A = new Map<string, Agg>();
  for (const c of LEVELS) for (const t of ["raw", "ping", "list"] as Target[]) A.set(`${t}:${c}`, agg(t, c));
  const g = (t: Target, c: number) => A.get(`${t}:${c}`) as Agg;

  const mainRows = LEVELS.flatMap((c) =>
    (["raw", "ping", "list"] as Target[]).map((t) => {
      const x = g(t, c);
      return [
        LABEL[t],
        c,
        fmt(x.rps),
        `${fmt(x.p50)} / ${fmt(x.p95)} / ${fmt(x.p99)}`,
        fmt(x.littleMs),
        t === "raw" ? "–" : fmt(x.serverMs),
        fmt(x.pgMs),
        `${Math.round(x.busy * 100)} %`,
        fmt(Math.max(0, x.other), 2),
        `${x.n.toLocaleString("en-US")} / ${x.bad}`,
      ];
    }),
  );

  const sat0 = LEVELS.find((c) => c > 1);
  const doorRows = sat0
    ? (
        [
          [`${doorLabel(ENTRY)} (\`npm start\`, after)`, "ping", "list"],
          [doorLabel(NEXT_START) + " (before)", "ping@next", "list@next"],
          [doorLabel(ADAPTER), "ping@adapter", "list@adapter"],
          [doorLabel({ kind: "entry", workers: 2 }), "ping@2w", "list@2w"],
        ] as [string, Target, Target][]
      ).map(([label, p, l]) => {
        const P = agg(p, sat0);
        const Lx = agg(l, sat0);
        return [
          label,
          fmt(P.rps),
          fmt(Lx.rps),
          `${fmt(Lx.p50)} / ${fmt(Lx.p95)} / ${fmt(Lx.p99)}`,
          fmt(Lx.serverMs),
          `**${fmt(Lx.rps / g("raw", sat0).rps)}**`,
          fmt(Lx.rps / agg("list@next", sat0).rps),
        ];
      })
    : [];
  const vsNext = sat0 ? g("list", sat0).rps / agg("list@next", sat0).rps : Number.NaN;
  const twoVsOne = sat0 ? agg("list@2w", sat0).rps / g("list", sat0).rps : Number.NaN;
  const c1 = LEVELS.includes(1) ? { app: g("list", 1).p95, raw: g("raw", 1).p95 } : null;
  const p95Pass = c1 ? c1.app <= c1.raw + TARGETS.p95AddMs : false;
  const satLevels = LEVELS.filter((c) => c > 1);
  const ratioRows = satLevels.map((c) => {
    const lp = g("list", c).rps / g("ping", c).rps;
    const lr = g("list", c).rps / g("raw", c).rps;
    return [
      c,
      fmt(g("list", c).rps),
      fmt(g("ping", c).rps),
      fmt(g("raw", c).rps),
      `**${fmt(lp)}**`,
      lp >= TARGETS.listPingRatio ? "pass" : "**FAIL**",
      fmt(lr),
    ];
  });
  const ratioPass = satLevels.every((c) => g("list", c).rps / g("ping", c).rps >= TARGETS.listPingRatio);
  const listExtra = satLevels.length
    ? g("list", satLevels[0] as number).serverMs - g("ping", satLevels[0] as number).serverMs
    : Number.NaN;
  const pingCpu = satLevels.length ? g("ping", satLevels[0] as number).serverMs : Number.NaN;
  const listCpu = satLevels.length ? g("list", satLevels[0] as number).serverMs : Number.NaN;

  const summary = [
    c1
      ? `* **c=1 latency:** coupons.list p95 **${fmt(c1.app)} ms** vs raw p95 **${fmt(c1.raw)} ms**: app − raw = ${fmt(c1.app - c1.raw)} ms (target ≤ +${TARGETS.p95AddMs} ms) → **${p95Pass ? "pass" : "FAIL"}**.`
      : "* c=1 not run.",
    ...satLevels.map((c) => {
      const lp = g("list", c).rps / g("ping", c).rps;
      return `* **c=${c} throughput:** list/ping = ${fmt(lp)} (target ≥ ${TARGETS.listPingRatio}) → **${lp >= TARGETS.listPingRatio ? "pass" : "FAIL"}**; list/raw = ${fmt(g("list", c).rps / g("raw", c).rps)}.`;
    }),
    ...(sat0
      ? [
          `* **Door (c=${sat0}):** coupons.list through the Node entry ${fmt(g("list", sat0).rps)} req/s vs ${fmt(agg("list@next", sat0).rps)} through \`next start\` = **${fmt(vsNext)}×** (target ≥ ${TARGETS.listVsNext}×) → **${vsNext >= TARGETS.listVsNext ? "pass" : "FAIL"}**; list/raw **${fmt(g("list", sat0).rps / g("raw", sat0).rps)}** (target ≥ ${TARGETS.listRaw}; ${fmt(agg("list@next", sat0).rps / g("raw", sat0).rps)} before).`,
          ...rounds.verdicts
            .filter((v) => v.min !== undefined && doorRounds.length > 0)
            .map(
              (v) =>
                `* **Interleaved rounds (c=${sat0}), ${v.label}:** median **${fmt(v.median)}** (target ≥ ${v.min}) → **${v.median >= (v.min ?? 0) ? "pass" : "FAIL"}**; met in ${v.met} of ${doorRounds.length} rounds.`,
            ),
          `* **The entry's own tRPC door (decision 019) vs tRPC's adapter (c=${sat0}):** list ×${fmt(g("list", sat0).rps / agg("list@adapter", sat0).rps)}, ping ×${fmt(g("ping", sat0).rps / agg("ping@adapter", sat0).rps)}.`,
          `* **Two workers vs one (c=${sat0}):** list ×${fmt(twoVsOne)}, ping ×${fmt(agg("ping@2w", sat0).rps / g("ping", sat0).rps)} (the load generator and PostgreSQL share the same 2 cores).`,
        ]
      : []),
    `* Server CPU per request (c=${satLevels[0]}): ping ${fmt(pingCpu)} ms, list ${fmt(listCpu)} ms, so a list request costs ${fmt(listExtra)} ms of Node CPU above the tRPC floor. With one Node process on one core, list throughput ≈ 1 / ${fmt(listCpu)} ms. **CPU-based list/ping estimate** (robust to other load on the box, which throughput is not): ${fmt(pingCpu / listCpu)}.`,
  ];
  const step = (prefix: string) =>
    Number(steps.find((r) => r[0]?.trim().startsWith(prefix))?.[2] ?? Number.NaN);
  const findings = [
    `* The session lookup costs ${fmt(step("getSessionUser"))} ms of Node CPU through drizzle, but ${fmt(step("the same session statement"))} ms for the same statement on postgres.js alone and ${fmt(step("suggestion: the session select"))} ms as a drizzle prepared statement: most of it is drizzle building the SQL (select with two joins) on every request, and the statement being unnamed (parsed and planned by PostgreSQL every time).`,
    `* The list query costs ${fmt(step("listCoupons"))} ms of Node CPU, ${fmt(step("the same list statement"))} ms of it in postgres.js (51 rows × 17 columns, three of them arrays parsed per row); the rest is drizzle building the query. Zod input/output validation (${fmt(step("listInput") + step("listOutput"))} ms) and JSON (${fmt(step("JSON.stringify"))} ms) are small.`,
    "* Together these account for most of the list−ping difference; the remainder is the larger response (~21 KB) through Next's fetch adapter and GC.",
  ];

  writeSection(
    "list",
    `## Coupons list, ${DATA.label.toUpperCase()} vouchers: raw SQL vs tRPC over HTTP (\`npm run bench:list -- --data ${DATA.label}\`)

${table(["machine", ""], machineFacts(`${facts.v} (shared_buffers ${facts.sb})`))}

**Method.** Data set ${BENCH_DB} from \`bench:data\` (${DATA.accounts.toLocaleString("en-US")} accounts × ${Math.round(DATA.vouchers / DATA.accounts).toLocaleString("en-US")} vouchers). The main runs: one
Node entry process (\`npm start\`'s \`dist/server.mjs\`, \`WEB_CONCURRENCY=1\`; tRPC on node:http, decision 017)
(${build}), \`DATABASE_URL\` → ${BENCH_DB}, \`SEED_DEMO=false\`, pool of 10 (\`PG_POOL_MAX\` default). Then, at c=${sat0}
only, the same ping and list through plain \`next start\` (the door before issue 13), through the entry's API door with tRPC's own Node adapter (the door before decision 019; bench/adapter-server.ts) and through the entry with two workers.
* **raw**: the page statement \`listCoupons\` sends for a known user's account, captured from the real function through
  postgres.js's \`debug\` hook, run by \`pgbench -M prepared -j 1\` with the app's connection settings
  (\`PGOPTIONS="${APP_PG_ENV.PGOPTIONS}"\`) and a random account per transaction (other parameters passed as pgbench
  variables, so they stay parameters). Latency from \`pgbench -l\` per-transaction logs (µs). (For a cookie caller the app
  sends the same page statement with the session check inside it: one round trip; decision 009.)
* **ping**: \`GET /api/trpc/health.ping\` (no session, no database): the framework floor.
* **list**: \`GET /api/trpc/coupons.list?input=${JSON.stringify(INPUT)}\` with \`Cookie: vc_session=bench-<random account>\`:
  one statement (session check + keyset page as one JSON value) + zod input/output validation, 50 rows (≈800 cash vouchers per account).
* autocannon ${""}9 through its API in this process, no workers; every response is timed (hrtime, all status codes).
* Order: warm-up ${WARMUP} s per target at c=10, then per concurrency a ${Math.max(1, Math.round(WARMUP / 2))} s warm-up per target and
  raw, ping, list, raw, ping, list at ${SECONDS} s each. Percentiles pool both repetitions.
* CPU from /proc: the server process tree; all postgres processes (backends included, reaped ones through the postmaster);
  machine busy from /proc/stat. The load generators share the same 2 cores. "other CPU" is machine busy minus server,
  PostgreSQL and this script (with pgbench): work by other processes on the box; above ≈0.1 core the run was disturbed.

Captured statement (parameters: ${captured.list.params.map((p) => JSON.stringify(p)).join(", ")}):

\`\`\`sql
${captured.list.query}
\`\`\`

${table(
  [
    "target",
    "c",
    "req/s",
    "p50 / p95 / p99 ms",
    "mean c/X ms",
    "server CPU ms/req",
    "PG CPU ms/req",
    "machine busy",
    "other CPU (cores, worst run)",
    "requests / non-200",
  ],
  mainRows,
  ["l", "r", "r", "l", "r", "r", "r", "r", "r", "r"],
)}

**Doors and workers at c=${sat0}** (the same ping and list; each door its own server, started after the main runs;
list/raw against the raw list of the main runs):

${table(["server", "ping req/s", "list req/s", "list p50 / p95 / p99 ms", "server CPU ms/list", "list/raw", "list vs next start"], doorRows, ["l", "r", "r", "l", "r", "r", "r"])}

**Interleaved rounds at c=${sat0}** (issue 13: the entry and \`next start\` up at the same time, each with its own pool of 10;
per round the entry's list, \`next start\`'s list and the raw list for ${SECONDS} s each, the order rotated each round, so a slow
stretch of this shared VM falls on all three rather than on one; the single-run ratios above can move by ±20 % between runs):

${doorRounds.length ? rounds.table : "(not run: BENCH_ROUNDS=0)"}

**Ratios at saturation**

${table(["c", "list req/s", "ping req/s", "raw req/s", "list/ping", "target ≥ 0.60", "list/raw"], ratioRows, ["r", "r", "r", "r", "r", "l", "r"])}

**Against the targets**

${summary.join("\n")}

**Where a list request's time goes** (in-process, no HTTP, c=1, this script's own Node process and a 1-connection pool;
random accounts):

${table(["step", "wall ms/call", "Node CPU ms/call"], steps, ["l", "r", "r"])}

**Findings**

${findings.join("\n")}

**Applied since these figures were first taken** (decision 009): the session select and every list shape are named
prepared statements, planned once (generic plans); a cookie caller's session is checked inside the page statement (one
round trip); the page leaves PostgreSQL as one JSON value. Not applied: a second \`next start\` process (×1.6–1.7 in the
framework-floor study, /work/shared/research/performance-floor.md §5), which would change the server's topology.
`,
  );
  log(summary.join("\n"));
  if (!p95Pass || !ratioPass) log("one or more targets missed (see docs/BENCHMARKS.md)");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
