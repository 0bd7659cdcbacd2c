/**
 * Shared helpers for the benchmark scripts (bench:data, bench:list, bench:export):
 * connection URLs, machine facts, the docs/BENCHMARKS.md section writer, the Next server
 * lifecycle (production build, start and stop by PID), CPU and RSS readings from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const OUT_DIR = path.join(ROOT, "bench", ".out");
export const DOC = path.join(ROOT, "docs", "BENCHMARKS.md");

export const PG_BASE = process.env.BENCH_PG_BASE ?? "postgres://postgres@127.0.0.1:5432";

/**
 * Which data set. bench:data takes the size (`--vouchers N --accounts N`, default 1,000,000 and
 * vouchers / 1,000); every other bench takes the data set (`--data 10m` or `--data vc_bench_10m`,
 * default the 1 M set). The database is named by size: vc_bench for the default 1 M vouchers /
 * 1,000 accounts, vc_bench_<vouchers>[_a<accounts>] otherwise (vc_bench_10m = 10 M / 10,000).
 * bench:data records the size in the database's comment; benches read it back (dataSet()).
 */
function arg(name: string): string | undefined {
  const argv = process.argv;
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function parseCount(v: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(v.replace(/[_,]/g, ""));
  if (!m) throw new Error(`not a count: ${v}`);
  const n = Number(m[1]) * ({ k: 1e3, m: 1e6 }[(m[2] ?? "").toLowerCase()] ?? 1);
  if (!Number.isInteger(n) || n < 2) throw new Error(`not a count: ${v}`);
  return n;
}

/** 1000000 → "1m", 10000000 → "10m", 250000 → "250k". */
export function sizeLabel(n: number): string {
  if (n % 1e6 === 0) return `${n / 1e6}m`;
  if (n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

export function dbNameFor(vouchers: number, accounts: number): string {
  if (vouchers === 1_000_000 && accounts === 1000) return "vc_bench";
  const base = `vc_bench_${sizeLabel(vouchers)}`;
  return accounts === Math.max(1, Math.round(vouchers / 1000)) ? base : `${base}_a${accounts}`;
}

const argVouchers = arg("vouchers");
const argAccounts = arg("accounts");
const argData = arg("data") ?? process.env.BENCH_DATA;
const wantVouchers = argVouchers ? parseCount(argVouchers) : 1_000_000;
const wantAccounts = argAccounts ? parseCount(argAccounts) : Math.max(2, Math.round(wantVouchers / 1000));

export const BENCH_DB =
  process.env.BENCH_DB ??
  (argData
    ? argData.startsWith("vc_")
      ? argData
      : dbNameFor(parseCount(argData), Math.round(parseCount(argData) / 1000))
    : dbNameFor(wantVouchers, wantAccounts));
export const BENCH_URL = process.env.BENCH_DATABASE_URL ?? `${PG_BASE}/${BENCH_DB}`;
export const ADMIN_URL = `${PG_BASE}/postgres`;
export const PORT = Number(process.env.BENCH_PORT ?? 3300);

/**
 * The app's pool connection settings (db/client.ts), for pgbench's raw runs: the same zone and the
 * same plan caching (prepared statements planned once, generic) and no JIT, so raw and app run the same plans.
 */
export const APP_PG_ENV = { PGOPTIONS: "-c TimeZone=UTC -c plan_cache_mode=force_generic_plan -c jit=off" };

/** The data set generate.ts writes; the other scripts rely on these facts (sizes set by dataSet()). */
export const DATA = {
  accounts: wantAccounts,
  vouchers: wantVouchers,
  hotId: "CP-HOT-0000001",
  hotRows: 1_000_000,
  /** "1m", "10m": names the BENCHMARKS.md sections of a data set other than the default. */
  label: sizeLabel(wantVouchers),
  accountId: (i: number) => String(5100000000000000 + i),
  token: (accountId: string) => `bench-${accountId}`,
};

/** What bench:data writes into the database's comment. */
export function dataComment(): string {
  return JSON.stringify({ vouchers: DATA.vouchers, accounts: DATA.accounts, hotRows: DATA.hotRows });
}

/**
 * Reads the size of the chosen data set from its database comment and sets DATA to it; refuses a
 * database that bench:data did not write. `expect` (bench:admin) refuses a set of another size.
 */
export async function dataSet(
  expect: { vouchers?: number; accounts?: number } = {
    vouchers: argVouchers ? wantVouchers : undefined,
    accounts: argAccounts ? wantAccounts : undefined,
  },
): Promise<typeof DATA> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  let facts: { vouchers: number; accounts: number; hotRows: number } | undefined;
  try {
    const [r] = await sql<{ c: string | null }[]>`
      SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = current_database()`;
    facts = r?.c ? JSON.parse(r.c) : undefined;
  } catch (e) {
    throw new Error(
      `data set ${BENCH_DB} not readable (run npm run bench:data first): ${(e as Error).message}`,
    );
  } finally {
    await sql.end();
  }
  if (!facts?.vouchers)
    throw new Error(`${BENCH_DB} has no bench:data comment; run npm run bench:data first`);
  for (const [k, v] of Object.entries(expect ?? {}))
    if (v !== undefined && facts[k as "vouchers"] !== v)
      throw new Error(`${BENCH_DB} holds ${k} ${facts[k as "vouchers"]}, this run expects ${v}: refusing`);
  DATA.vouchers = facts.vouchers;
  DATA.accounts = facts.accounts;
  DATA.hotRows = facts.hotRows;
  DATA.label = sizeLabel(facts.vouchers);
  log(`data set ${BENCH_DB}: ${facts.vouchers.toLocaleString("en-US")} vouchers, ${facts.accounts} accounts`);
  return DATA;
}

export function ensureOut(): string {
  mkdirSync(OUT_DIR, { recursive: true });
  return OUT_DIR;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

export function log(...args: unknown[]) {
  console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);
}

// ---------------------------------------------------------------- numbers

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function sortNumbers(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** How many interleaved rounds the door comparisons run (BENCH_ROUNDS; 0 skips them). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * Interleaved rounds (issue 13): every target once per round, the order rotated from round to round,
 * so a slow stretch of this shared VM falls on all targets rather than on the one measured then.
 * `run` answers one target's requests per second. One row per round.
 */
export async function interleavedRounds<T extends string>(
  targets: readonly T[],
  count: number,
  run: (target: T, round: number) => Promise<number>,
): Promise<Record<T, number>[]> {
  const out: Record<T, number>[] = [];
  for (let r = 0; r < count; r++) {
    const row = {} as Record<T, number>;
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + r) % targets.length] as T;
      row[t] = await run(t, r + 1);
      log(`round ${r + 1}: ${t} ${fmt(row[t])} req/s`);
      await sleep(500);
    }
    out.push(row);
  }
  return out;
}

/**
 * The rounds as a table: each target's req/s, then each ratio per round, then the median row; and
 * for each ratio with a target, how many rounds met it.
 */
export function roundsTable<T extends string>(
  rows: Record<T, number>[],
  columns: { target: T; label: string }[],
  ratios: { label: string; of: T; to: T; min?: number }[],
): { table: string; verdicts: { label: string; median: number; met: number; min?: number }[] } {
  const body = rows.map((r, i) => [
    String(i + 1),
    ...columns.map((c) => fmt(r[c.target])),
    ...ratios.map((q) => fmt(r[q.of] / r[q.to])),
  ]);
  const med = (f: (r: Record<T, number>) => number) => median(rows.map(f));
  body.push([
    "**median**",
    ...columns.map((c) => fmt(med((r) => r[c.target]))),
    ...ratios.map((q) => `**${fmt(med((r) => r[q.of] / r[q.to]))}**`),
  ]);
  return {
    table: table(["round", ...columns.map((c) => c.label), ...ratios.map((q) => q.label)], body, [
      "l",
      ...columns.map(() => "r" as const),
      ...ratios.map(() => "r" as const),
    ]),
    verdicts: ratios.map((q) => ({
      label: q.label,
      median: med((r) => r[q.of] / r[q.to]),
      met: rows.filter((r) => q.min !== undefined && r[q.of] / r[q.to] >= q.min).length,
      min: q.min,
    })),
  };
}

/** Rounds for tables: 3 significant digits, but no exponent notation. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString("en-US");
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return v.toFixed(Math.min(decimals, 4));
}

// ---------------------------------------------------------------- machine facts

function tryExec(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}

export function machineFacts(pgVersion: string): string[][] {
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
  const pkg = (name: string) => {
    try {
      return JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8"))
        .version as string;
    } catch {
      return "?";
    }
  };
  const commit = tryExec("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]);
  const dirty = tryExec("git", ["-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    ? " (+ uncommitted changes)"
    : "";
  return [
    ["date", new Date().toISOString().replace(/\.\d+Z$/, "Z")],
    [
      "CPU",
      `${tryExec("nproc", [])} × ${os.cpus()[0]?.model ?? "?"} (load generator, Node and PostgreSQL share them)`,
    ],
    ["memory", `${(memKb / 1024 / 1024).toFixed(1)} GiB`],
    [
      "load average at start (1/5/15 min)",
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" / "),
    ],
    ["kernel", os.release()],
    ["Node", process.version],
    ["PostgreSQL", pgVersion],
    ["pgbench / psql", `${tryExec("pgbench", ["--version"])} / ${tryExec("psql", ["--version"])}`],
    [
      "packages",
      `next ${pkg("next")}, @trpc/server ${pkg("@trpc/server")}, drizzle-orm ${pkg("drizzle-orm")}, postgres ${pkg("postgres")}, @electric-sql/pglite ${pkg("@electric-sql/pglite")}, autocannon ${pkg("autocannon")}`,
    ],
    ["git", `${commit}${dirty}`],
  ];
}

export function table(header: string[], rows: (string | number)[][], align?: ("l" | "r")[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? "l") === "r" ? "---:" : "---"));
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(sep), ...rows.map(line)].join("\n");
}

// ---------------------------------------------------------------- docs/BENCHMARKS.md

const DOC_HEAD = `# Benchmarks

Generated by the scripts in \`bench/\`; each script rewrites only its own section (between its
marker comments), so sections can be re-run independently. Numbers are from real runs on the
machine described in each section. Run them in this order:

\`\`\`sh
npm run bench:data     # fresh database vc_bench: 1,000 accounts, 1 M vouchers, ~2.6 M ledger rows
npm run bench:list     # raw SQL vs health.ping vs coupons.list over HTTP (starts its own next start)
npm run bench:export   # COPY vs the HTTP CSV export of a 1 M-row history; then PGlite
npm run bench:pay      # the money path: raw transaction vs orders.pay (spread, hot voucher), payment-page matching
npm run bench:admin    # enterprise admin: coupons.list "All" over 1,000 accounts, cross-voucher export vs COPY
npm run bench:bills    # closing a pay-as-you-go cycle: close_bill() per bill vs one set-based statement
npm run bench:notify   # the expiry scan over 1 M vouchers: expiry_scan() vs one SELECT of the same set
\`\`\`

Environment: \`BENCH_PG_BASE\` (default \`postgres://postgres@127.0.0.1:5432\`), \`BENCH_DB\` (default \`vc_bench\`),
\`BENCH_PORT\` (default 3300). \`bench:list\` also reads \`BENCH_SECONDS\` (default 10) and \`BENCH_WARMUP\` (default 3).
`;

const ORDER = ["data", "list", "export", "pay", "driver", "admin", "bills", "notify"];

/** Replaces (or adds) the section between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`. */
export function writeSection(base: string, body: string) {
  mkdirSync(path.dirname(DOC), { recursive: true });
  let doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : `${DOC_HEAD}\n`;
  // A data set other than the default 1 M gets its own section right after the 1 M one; so does a run
  // tagged BENCH_TAG (e.g. `sb6g` for a run with other server settings), after its untagged one.
  const sized = DATA.label === "1m" ? base : `${base}-${DATA.label}`;
  const tag = process.env.BENCH_TAG?.replace(/[^a-z0-9]/gi, "");
  const name = tag ? `${sized}-${tag}` : sized;
  const after = tag ? sized : base;
  const baseEnd = `<!-- bench:${after}:end -->`;
  if (name !== base && !doc.includes(`<!-- bench:${name}:start -->`) && doc.includes(baseEnd)) {
    const at = doc.indexOf(baseEnd) + baseEnd.length;
    doc = `${doc.slice(0, at)}\n\n<!-- bench:${name}:start -->\n<!-- bench:${name}:end -->${doc.slice(at)}`;
  }
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  if (re.test(doc)) {
    doc = doc.replace(re, () => block);
  } else {
    // Keep the sections in script order whatever order they were first run in.
    const later = ORDER.slice(ORDER.indexOf(base) + 1)
      .map((n) => doc.indexOf(`<!-- bench:${n}:start -->`))
      .filter((i) => i >= 0);
    const at = later.length ? Math.min(...later) : -1;
    doc = at >= 0 ? `${doc.slice(0, at)}${block}\n\n${doc.slice(at)}` : `${doc.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(DOC, doc);
  log(`wrote section "${name}" of ${path.relative(ROOT, DOC)}`);
}

// ---------------------------------------------------------------- /proc readings

const CLK_TCK = 100;

/** utime+stime (+ reaped children when `withChildren`) of one process, in ms. */
export function procCpuMs(pid: number, withChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields after "pid (comm) ": state=0, ... utime=11, stime=12, cutime=13, cstime=14
    const own = Number(f[11]) + Number(f[12]);
    const kids = withChildren ? Number(f[13]) + Number(f[14]) : 0;
    return ((own + kids) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** All PostgreSQL CPU so far: live processes plus backends the postmaster has reaped. */
export function postgresCpuMs(): number {
  let total = 0;
  for (const pid of allPids()) {
    if (comm(pid) !== "postgres") continue;
    let ppid = 0;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      continue;
    }
    // The postmaster (parent is not postgres) carries its reaped children's time.
    total += procCpuMs(pid, comm(ppid) !== "postgres");
  }
  return total;
}

/** Whole-machine busy and total jiffies from /proc/stat, in ms. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] as string;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: ((total - idle) * 1000) / CLK_TCK, total: (total * 1000) / CLK_TCK };
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Descendant PIDs (children, grandchildren, …) of a process. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const p of allPids()) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      parent.set(p, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const out: number[] = [];
  const walk = (id: number) => {
    for (const [child, pp] of parent) {
      if (pp === id) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

// ---------------------------------------------------------------- Next server

const SOURCE_DIRS = ["app", "server", "db", "trpc", "components", "lib"];
const SOURCE_FILES = [
  "next.config.ts",
  "instrumentation.ts",
  "package.json",
  "tsconfig.json",
  "postcss.config.mjs",
];

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (p: string) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== "node_modules" && !e.startsWith(".")) visit(path.join(p, e));
    } else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const d of SOURCE_DIRS) visit(path.join(ROOT, d));
  for (const f of SOURCE_FILES) visit(path.join(ROOT, f));
  return newest;
}

/**
 * Runs `npm run build` (next build, then the Node entry) when .next has no production build or a
 * source file is newer than it; the entry (dist/server.mjs, esbuild, under a second) is rebuilt
 * every time so it always matches the source.
 */
export function ensureBuild(): string {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const fresh = existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceMtime();
  const entry = () =>
    execFileSync("npm", ["run", "-s", "build:server"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  if (fresh && !process.env.BENCH_FORCE_BUILD) {
    entry();
    return "existing production build (.next/BUILD_ID newer than every source file), entry rebuilt";
  }
  for (let attempt = 1; attempt <= 6; attempt++) {
    log(`next build (attempt ${attempt}) …`);
    const t0 = now();
    try {
      execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      });
      entry();
      const s = ((now() - t0) / 1000).toFixed(1);
      log(`next build + entry ok in ${s} s`);
      return `fresh \`npm run build\` (${s} s)`;
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      console.error(String(err.stdout ?? "").slice(-3000), String(err.stderr ?? "").slice(-3000));
      if (attempt === 6) throw new Error("next build failed six times (someone else's work in progress?)");
      log("build failed; retrying in 45 s");
      execFileSync("sleep", ["45"]);
    }
  }
  throw new Error("unreachable");
}

export type Server = {
  pid: number;
  child: ChildProcess;
  url: string;
  stop: () => Promise<void>;
  logFile: string;
};

/**
 * Which server a bench starts: "entry" is `npm start`'s Node entry (dist/server.mjs: tRPC and the
 * exports on node:http, the rest through Next; decision 017) with `workers` processes
 * (WEB_CONCURRENCY, default 1); "next" is plain `next start` (every request through Next's router,
 * the door before issue 13), for before/after in one run; "adapter" is the entry's API door with tRPC's
 * own Node adapter answering the tRPC calls (bench/adapter-server.ts: the door before decision 019).
 */
export type Door = { kind: "entry" | "next" | "adapter"; workers?: number };
export const ENTRY: Door = { kind: "entry", workers: 1 };
export const ADAPTER: Door = { kind: "adapter" };
export const NEXT_START: Door = { kind: "next" };
export const doorLabel = (d: Door) =>
  d.kind === "next"
    ? "next start (Next route)"
    : d.kind === "adapter"
      ? "Node entry, tRPC's adapter (decision 017's door)"
      : `Node entry, ${d.workers ?? 1} worker${(d.workers ?? 1) > 1 ? "s" : ""}`;

/** Starts the server (production) with the given env; resolves once health.ping answers. */
export async function startServer(
  env: Record<string, string | undefined>,
  port = PORT,
  door: Door = ENTRY,
): Promise<Server> {
  await assertPortFree(port);
  const logFile = path.join(ensureOut(), `server-${port}.log`);
  const out: string[] = [];
  // undefined in `env` removes the variable (e.g. DATABASE_URL for the PGlite server).
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ...(door.kind === "entry" ? { WEB_CONCURRENCY: String(door.workers ?? 1) } : {}),
    ...(door.kind === "adapter" ? { PORT: String(port) } : {}),
    ...env,
  })) {
    if (v !== undefined) childEnv[k] = v;
  }
  const args =
    door.kind === "next"
      ? ["node_modules/next/dist/bin/next", "start", "-p", String(port)]
      : door.kind === "adapter"
        ? ["node_modules/tsx/dist/cli.mjs", "bench/adapter-server.ts"]
        : ["dist/server.mjs", "-p", String(port)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: childEnv as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => out.push(String(d)));
  child.stderr?.on("data", (d) => out.push(String(d)));
  const pid = child.pid as number;
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    writeFileSync(logFile, out.join(""));
    if (child.exitCode !== null) return;
    // The entry's primary stops its workers itself (a worker stopped first would be replaced).
    for (const p of door.kind === "entry" ? [] : descendants(pid)) {
      try {
        process.kill(p, "SIGTERM");
      } catch {}
    }
    child.kill("SIGTERM");
    for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const t0 = now();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${doorLabel(door)} exited (${child.exitCode}):\n${out.join("").slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/trpc/health.ping`);
      if (r.ok) break;
    } catch {}
    if (now() - t0 > 60_000) {
      await stop();
      throw new Error(`${doorLabel(door)} did not answer within 60 s:\n${out.join("").slice(-3000)}`);
    }
    await sleep(100);
  }
  if (door.kind === "entry" && (door.workers ?? 1) > 1) {
    // Every worker listening: the primary logs one line per worker.
    for (let i = 0; i < 300 && (out.join("").match(/listening on/g) ?? []).length < (door.workers ?? 1); i++)
      await sleep(100);
  }
  log(`${doorLabel(door)} pid ${pid} ready on ${url} in ${((now() - t0) / 1000).toFixed(1)} s`);
  return { pid, child, url, stop, logFile };
}

async function assertPortFree(port: number) {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
  } catch {
    return;
  }
  throw new Error(`port ${port} is already in use; set BENCH_PORT`);
}

/** The process that actually serves: `next start` may fork a worker; pick the busiest over a short window. */
export function servingPid(server: Server): number {
  const kids = descendants(server.pid).filter(
    (p) => comm(p).startsWith("node") || comm(p).startsWith("next"),
  );
  return kids.length ? (kids.sort((a, b) => procCpuMs(b) - procCpuMs(a))[0] as number) : server.pid;
}

/** CPU ms of the server process tree (parent and any workers). */
export function serverCpuMs(server: Server): number {
  return [server.pid, ...descendants(server.pid)].reduce((a, p) => a + procCpuMs(p), 0);
}

export function serverRssMb(server: Server): number {
  return [server.pid, ...descendants(server.pid)].reduce((a, p) => a + rssMb(p), 0);
}

/** CPU over an interval: server tree, PostgreSQL, and everything else on the machine (in cores). */
export function cpuProbe(server: Server | null) {
  const snap = () => ({
    server: server ? serverCpuMs(server) : 0,
    pg: postgresCpuMs(),
    self: procCpuMs(process.pid, true),
    m: machineCpuMs(),
  });
  const a = snap();
  return () => {
    const b = snap();
    const wallMs = (b.m.total - a.m.total) / os.cpus().length;
    const other = b.m.busy - a.m.busy - (b.server - a.server) - (b.pg - a.pg) - (b.self - a.self);
    return {
      serverS: (b.server - a.server) / 1000,
      pgS: (b.pg - a.pg) / 1000,
      otherCores: Math.max(0, other / wallMs),
    };
  };
}
